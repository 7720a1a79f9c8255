namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// This process as a member of the Quartz cluster. The instance id is unique per process and never
/// reused: two processes with one id would hide each other's death from failure detection.
/// </summary>
public sealed class SchedulerNode
{
    public const string SchedulerName = "mlops";

    public SchedulerNode(string mode, IReadOnlyList<string> capabilities, string? gpuName)
    {
        Mode = mode;
        Capabilities = capabilities;
        GpuName = gpuName;
        Host = Environment.MachineName;
        ProcessId = Environment.ProcessId;
        Id = $"{Host}-{ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    public string Id { get; }
    public string Host { get; }
    public int ProcessId { get; }
    /// <summary>"portal" or "worker".</summary>
    public string Mode { get; }
    public IReadOnlyList<string> Capabilities { get; }
    public string? GpuName { get; }
    public bool HasGpu => Capabilities.Contains(WorkerCapabilities.Gpu);

    /// <summary>
    /// Builds the node for the requested capabilities; "gpu" only after the GPU self-test passes.
    /// Throws <see cref="GpuSelfTestFailedException"/> rather than quietly dropping the GPU.
    /// </summary>
    public static SchedulerNode Create(string mode, IReadOnlyList<string> requested, IGpuSelfTest selfTest)
    {
        foreach (var c in requested)
            if (c is not (WorkerCapabilities.Cpu or WorkerCapabilities.Gpu))
                throw new Security.PortalValidationException($"Unknown capability '{c}': use cpu or cpu,gpu.");
        if (!requested.Contains(WorkerCapabilities.Cpu))
            throw new Security.PortalValidationException("Every node runs CPU jobs: capabilities must include cpu.");
        if (!requested.Contains(WorkerCapabilities.Gpu))
            return new SchedulerNode(mode, requested, null);
        var result = selfTest.Run();
        if (!result.Passed)
            throw new GpuSelfTestFailedException($"GPU self-test failed, so this node cannot declare gpu: {result.Message}");
        return new SchedulerNode(mode, requested, result.DeviceName);
    }
}
