using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;

namespace MlopsPortal.Core.Scheduling.Jobs;

/// <summary>
/// Open approval requests past their expiry become expired, each with its audit event. Safe to run
/// twice at once: each request changes only if it is still open at the moment of the write.
/// </summary>
public sealed class ExpireApprovalRequestsJob(JobServices services) : PortalJob(services)
{
    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var expired = await db.ApprovalRequests.AsNoTracking()
            .Where(r => r.Status == ApprovalStatus.Open && r.ExpiresAt <= now)
            .Select(r => r.Id).ToListAsync(ct);
        context.Progress.Log($"{expired.Count} open request(s) past their expiry.");
        return new JobOutcome($"Expired {expired.Count} approval request(s).")
        {
            // Inside the outcome's transaction, a conditional update per request: one decided meanwhile
            // (or expired by a concurrent run) stays as it is and gets no audit event.
            Persist = async (tx, c) =>
            {
                var actor = Security.Actor.Job(context.Run.JobKey).AuditName;
                foreach (var id in expired)
                {
                    var changed = await tx.ApprovalRequests.Where(r => r.Id == id && r.Status == ApprovalStatus.Open)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ApprovalStatus.Expired)
                            .SetProperty(r => r.DecidedAt, now).SetProperty(r => r.DecidedBy, actor), c);
                    if (changed == 1)
                        tx.Audit(actor, "approval.expired", "approval-request", id, new { expiredAt = AuditChain.FormatTime(now) });
                }
            },
        };
    }
}

/// <summary>Deletes finished job history and gone worker rows older than the retention settings (idempotent).</summary>
public sealed class ApplyRetentionJob(JobServices services) : PortalJob(services)
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
        return new JobOutcome($"Deleted {old.Count} job run(s) older than {Services.Options.JobHistoryRetentionDays} days and {nodes} gone node(s).")
        {
            Persist = async (tx, c) =>
            {
                if (old.Count == 0) return;
                // Log lines go with their runs (cascade); the audit events about the runs stay.
                foreach (var chunk in old.Chunk(500))
                {
                    var ids = chunk.ToList();
                    tx.JobRuns.RemoveRange(await tx.JobRuns.Where(r => ids.Contains(r.Id)).ToListAsync(c));
                }
                tx.Audit(Security.Actor.Job(context.Run.JobKey).AuditName, "job-history.deleted", "job-run", "retention",
                    new { count = old.Count, before = AuditChain.FormatTime(historyCutoff) });
            },
        };
    }
}
