using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Housekeeping;

/// <summary>What a killed process left in the artifact store goes when a node starts (and daily, with the retention job).</summary>
public sealed class SweepAtNodeStart(ArtifactSweeper sweeper) : INodeStartupTask
{
    public string Description => "sweep the artifact store";

    public string Retry => "the daily retention job tries again.";

    public Task RunAsync(CancellationToken ct) => sweeper.SweepAsync("system:artifact-sweep", ct);
}
