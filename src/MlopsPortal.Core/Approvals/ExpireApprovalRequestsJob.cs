using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Open approval requests past their expiry become expired, and those expiring within two days remind their
/// signers, each with its audit event, notifications and webhook events (ApprovalExpiry.ExpireAndRemindAsync).
/// Safe to run twice at once: each request changes only if it is still open at the moment of the write.
/// </summary>
public sealed class ExpireApprovalRequestsJob(JobServices services) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "approval-expiry";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await db.ApprovalRequests.AsNoTracking()
            .CountAsync(r => r.Status == ApprovalStatus.Open && r.ExpiresAt <= now.AddDays(ApprovalExpiry.ReminderDays), ct);
        context.Progress.Log($"{due} open request(s) expired or expiring within {ApprovalExpiry.ReminderDays} days.");
        JobOutcome outcome = null!;
        outcome = new JobOutcome("No request expired.")
        {
            // Inside the outcome's transaction: a request decided meanwhile stays as it is and gets no event.
            Persist = async (tx, c) =>
            {
                var (expired, reminded) = await ApprovalExpiry.ExpireAndRemindAsync(tx, Security.Actor.Job(context.Run.JobKey).AuditName, now, c);
                outcome.Summary = $"Expired {expired} approval request(s); reminded the signers of {reminded}.";
            },
        };
        return outcome;
    }
}
