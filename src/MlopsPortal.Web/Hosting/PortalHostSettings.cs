namespace MlopsPortal.Web.Hosting;

/// <summary>What the command line (or a test) decides before the host is built.</summary>
public sealed record PortalHostSettings
{
    public string DataDirectory { get; init; } = "./data";
    /// <summary>Configuration overrides: "--Key=Value" pairs and host options (--urls, --environment).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
    public string? EnvironmentName { get; init; }
    /// <summary>Extra in-memory configuration, applied last (tests).</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();
    /// <summary>The GPU self-test a node runs before it declares gpu (tests replace the CUDA one).</summary>
    public MlopsPortal.Core.Scheduling.IGpuSelfTest? GpuSelfTest { get; init; }
}
