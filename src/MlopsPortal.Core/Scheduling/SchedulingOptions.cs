namespace MlopsPortal.Core.Scheduling;

/// <summary>Bound from the "Scheduling" section. See docs/operations.md for the trade-offs.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Whether this process executes jobs. A portal with false only schedules (a cluster client).</summary>
    public bool ExecuteJobs { get; set; } = true;

    /// <summary>"cpu" or "cpu,gpu". A node declares gpu only after the GPU self-test passes.</summary>
    public string Capabilities { get; set; } = WorkerCapabilities.Cpu;

    /// <summary>Jobs run at once on this node; 0 = the processor count (at least 2).</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// How often a clustered node checks in. A dead node's recoverable jobs restart elsewhere about
    /// CheckinInterval + CheckinMisfireThreshold after its last check-in: lower is faster recovery,
    /// at the price of more database writes per node.
    /// </summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle node waits before asking the store for due triggers again.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A trigger this late counts as misfired and its kind's misfire policy applies.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often this node writes its row on the Workers page and a running job its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Finished job runs (and their log lines) older than this are deleted by the retention job.</summary>
    public int JobHistoryRetentionDays { get; set; } = 90;

    /// <summary>Gone nodes are removed from the Workers page after this many days.</summary>
    public int GoneWorkerRetentionDays { get; set; } = 7;

    public IReadOnlyList<string> CapabilityList =>
        Capabilities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToLowerInvariant()).Distinct().Order().ToList();

    public int EffectiveConcurrency => MaxConcurrency > 0 ? MaxConcurrency : Math.Max(2, Environment.ProcessorCount);
}
