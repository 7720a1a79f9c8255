namespace MlopsPortal.Core.Artifacts;

/// <summary>Bound from the "Artifacts" section (docs/operations.md).</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";

    /// <summary>
    /// A blob no row references is deleted only once it is this old: an upload on another node stores its blob first
    /// and writes its row after profiling, minutes later, and a re-upload of the same bytes renews the blob's time.
    /// </summary>
    public TimeSpan UnreferencedBlobAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A partial or scratch file not written for this long has no writer left: uploads and jobs write theirs without
    /// pause (Kestrel drops an upload whose body stalls), so only a killed process leaves one this idle.
    /// </summary>
    public TimeSpan AbandonedFileAge { get; set; } = TimeSpan.FromMinutes(10);
}
