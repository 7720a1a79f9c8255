using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditTrail;

namespace MlopsPortal.Core.Scheduling.Jobs;

/// <summary>
/// Open approval requests past their expiry become expired, and those expiring within two days remind their
/// signers, each with its audit event, notifications and webhook events (ApprovalService.ExpireAndRemindAsync).
/// Safe to run twice at once: each request changes only if it is still open at the moment of the write.
/// </summary>
public sealed class ExpireApprovalRequestsJob(JobServices services) : PortalJob(services)
{
    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await db.ApprovalRequests.AsNoTracking()
            .CountAsync(r => r.Status == ApprovalStatus.Open && r.ExpiresAt <= now.AddDays(ApprovalService.ReminderDays), ct);
        context.Progress.Log($"{due} open request(s) expired or expiring within {ApprovalService.ReminderDays} days.");
        JobOutcome outcome = null!;
        outcome = new JobOutcome("No request expired.")
        {
            // Inside the outcome's transaction: a request decided meanwhile stays as it is and gets no event.
            Persist = async (tx, c) =>
            {
                var (expired, reminded) = await ApprovalService.ExpireAndRemindAsync(tx, Security.Actor.Job(context.Run.JobKey).AuditName, now, c);
                outcome.Summary = $"Expired {expired} approval request(s); reminded the signers of {reminded}.";
            },
        };
        return outcome;
    }
}

/// <summary>
/// Deletes finished job history and gone worker rows older than the retention settings, and sweeps what killed processes
/// left in the artifact store (<see cref="ArtifactSweeper"/>). Idempotent.
/// </summary>
public sealed class ApplyRetentionJob(JobServices services, ArtifactSweeper sweeper) : PortalJob(services)
{
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
