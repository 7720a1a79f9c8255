using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using Quartz;

namespace MlopsPortal.Core.Scheduling.Jobs;

/// <summary>Open approval requests past their expiry become expired, each with its audit event.</summary>
[DisallowConcurrentExecution]
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
            // Re-read inside the outcome's transaction: a request decided meanwhile stays decided.
            Persist = async (tx, c) =>
            {
                foreach (var request in await tx.ApprovalRequests.Where(r => expired.Contains(r.Id) && r.Status == ApprovalStatus.Open).ToListAsync(c))
                {
                    request.Status = ApprovalStatus.Expired;
                    request.DecidedAt = now;
                    request.DecidedBy = Security.Actor.Job(context.Run.JobKey).AuditName;
                    tx.Audit(request.DecidedBy, "approval.expired", "approval-request", request.Id,
                        new { request.Kind, expiresAt = AuditChain.FormatTime(request.ExpiresAt) });
                }
            },
        };
    }
}

/// <summary>Deletes finished job history and gone worker rows older than the retention settings.</summary>
[DisallowConcurrentExecution]
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
