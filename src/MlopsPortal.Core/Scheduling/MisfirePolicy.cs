namespace MlopsPortal.Core.Scheduling;

/// <summary>What a missed firing (no node was up when the trigger was due) turns into.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once as soon as a node is up, however many firings were missed; the run is marked late.</summary>
    RunOnceNow,
    /// <summary>Skip the missed firings (each shows as "missed" in history) and wait for the next one.</summary>
    Skip,
}
