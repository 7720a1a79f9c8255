namespace MlopsPortal.Core.Artifacts;

/// <summary>A stored blob: its SHA-256 (lowercase hex) and size in bytes.</summary>
public sealed record ArtifactRef(string Sha256, long Length);

/// <summary>
/// Content-addressed storage for datasets, models and reports: the same bytes are stored once, under
/// their SHA-256. An object store can implement this later; the portal uses the file system.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores the stream's bytes; returns their hash. Nothing is visible until all bytes are written.</summary>
    Task<ArtifactRef> PutAsync(Stream content, long? maxBytes = null, CancellationToken ct = default);

    bool Exists(string sha256);

    Stream OpenRead(string sha256);

    /// <summary>Where a blob lives on disk (for readers that need a path, e.g. memory-mapped scans).</summary>
    string PathOf(string sha256);
}

/// <summary>The content is larger than the limit the caller set.</summary>
public sealed class ArtifactTooLargeException(long limit) : Exception($"The content is larger than the limit of {limit:N0} bytes.")
{
    public long Limit { get; } = limit;
}
