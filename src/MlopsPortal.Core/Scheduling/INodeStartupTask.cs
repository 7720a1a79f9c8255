namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// Work a feature does once when a node that runs jobs starts, after it has registered and recovered its runs
/// (registered with <c>AddSingleton&lt;INodeStartupTask, T&gt;</c> in the feature's own registration).
/// </summary>
public interface INodeStartupTask
{
    /// <summary>What the task does, for the log line when it fails ("sweep the artifact store").</summary>
    string Description { get; }

    /// <summary>When it will be tried again, for the same log line.</summary>
    string Retry { get; }

    Task RunAsync(CancellationToken ct);
}
