namespace MlopsPortal.Core.Scheduling;

public static class WorkerCapabilities
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";
    /// <summary>The Quartz execution group of jobs that need a GPU; nodes without one refuse it.</summary>
    public const string GpuExecutionGroup = "gpu";
}
