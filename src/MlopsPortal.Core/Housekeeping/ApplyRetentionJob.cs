using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Housekeeping;

/// <summary>
/// Deletes finished job history and gone worker rows older than the retention settings, and sweeps what killed processes
/// left in the artifact store (<see cref="ArtifactSweeper"/>). Idempotent.
/// </summary>
public sealed class ApplyRetentionJob(JobServices services, ArtifactSweeper sweeper) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "retention";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var historyCutoff = DateTime.UtcNow.AddDays(-Services.Options.JobHistoryRetentionDays);
        var nodeCutoff = DateTime.UtcNow.AddDays(-Services.Options.GoneWorkerRetentionDays);
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        var old = await db.JobRuns.AsNoTracking()
            .Where(r => r.FinishedAt != null && r.FinishedAt < historyCutoff)
            .Select(r => r.Id).ToListAsync(ct);
        var nodes = await db.WorkerNodes.Where(n => n.LastCheckInAt < nodeCutoff).ExecuteDeleteAsync(ct);
        context.Progress.Log($"{old.Count} finished run(s) before {historyCutoff:yyyy-MM-dd}; removed {nodes} gone node(s).");
        var swept = await sweeper.FindAndDeleteAsync(ct);
        context.Progress.Log(swept.Describe());
        return new JobOutcome($"Deleted {old.Count} job run(s) older than {Services.Options.JobHistoryRetentionDays} days and {nodes} gone node(s). {swept.Describe()}")
        {
            Persist = async (tx, c) =>
            {
                var actor = Security.Actor.Job(context.Run.JobKey).AuditName;
                ArtifactSweeper.RecordSweep(tx, actor, swept);
                if (old.Count == 0) return;
                // Log lines go with their runs (cascade); the audit events about the runs stay.
                foreach (var chunk in old.Chunk(500))
                {
                    var ids = chunk.ToList();
                    tx.JobRuns.RemoveRange(await tx.JobRuns.Where(r => ids.Contains(r.Id)).ToListAsync(c));
                }
                tx.Audit(actor, "job-history.deleted", "job-run", "retention",
                    new { count = old.Count, before = AuditChain.FormatTime(historyCutoff) });
            },
        };
    }
}
