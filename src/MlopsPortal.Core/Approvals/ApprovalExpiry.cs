using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Notifications;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Open requests past their expiry close; signers of requests close to it are reminded.
/// </summary>
public static class ApprovalExpiry
{
    public const int ReminderDays = 2;
    /// <summary>
    /// Closes open requests past their expiry and reminds signers of requests that expire within two days, each with
    /// its audit event and notifications. Each request changes only if it is still open when written, so two runs at
    /// once (or a sign-off meanwhile) do no harm. Returns how many expired and how many reminders went out.
    /// </summary>
    public static async Task<(int Expired, int Reminded)> ExpireAndRemindAsync(PortalDbContext db, string auditActor, DateTime now, CancellationToken ct)
    {
        var due = await db.ApprovalRequests.AsNoTracking()
            .Where(r => r.Status == ApprovalStatus.Open && r.ExpiresAt <= now.AddDays(ReminderDays)).ToListAsync(ct);
        int expired = 0, reminded = 0;
        foreach (var r in due)
        {
            if (r.ExpiresAt <= now)
            {
                var changed = await db.ApprovalRequests.Where(x => x.Id == r.Id && x.Status == ApprovalStatus.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ApprovalStatus.Expired)
                        .SetProperty(x => x.DecidedAt, now).SetProperty(x => x.DecidedBy, auditActor), ct);
                if (changed != 1) continue;
                expired++;
                await Outbox.ResolveAsync(db, RequestSteps.Link(r), ct);
                db.Audit(auditActor, "approval.expired", EntityKinds.ApprovalRequest, r.Id, new { expiredAt = AuditChain.FormatTime(now) });
                if (r.Kind == ApprovalKinds.RoleGrant) continue;
                r.Status = ApprovalStatus.Expired;
                await Outbox.PublishAsync(db, WebhookEvents.RequestExpired, RequestSteps.EventData(r, null), ct);
                await RequestSteps.NotifyRequesterAsync(db, r, "request-expired", $"Expired: {r.Summary}",
                    $"The request expired on {r.ExpiresAt:yyyy-MM-dd HH:mm} UTC before every sign-off arrived. Ask again if it still matters.", ct);
            }
            else if (r.ReminderSentAt is null && r.Kind != ApprovalKinds.RoleGrant && !r.Blocked)
            {
                var changed = await db.ApprovalRequests.Where(x => x.Id == r.Id && x.Status == ApprovalStatus.Open && x.ReminderSentAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.ReminderSentAt, now), ct);
                if (changed != 1) continue;
                reminded++;
                db.Audit(auditActor, "approval.expiry-reminder-sent", EntityKinds.ApprovalRequest, r.Id, new { expiresAt = AuditChain.FormatTime(r.ExpiresAt) });
                var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == r.Id).ToListAsync(ct);
                var recipients = await RequestSteps.EligibleSignersAsync(db, r, signOffs, ct);
                var text = $"{r.Summary} expires on {r.ExpiresAt:yyyy-MM-dd HH:mm} UTC and still needs {RequestSteps.Missing(r, signOffs)}.";
                await Outbox.NotifyAsync(db, recipients, "request-expiring", $"Expiring in {ReminderDays} days: {r.Summary}", text, RequestSteps.Link(r), ct);
                await RequestSteps.NotifyRequesterAsync(db, r, "request-expiring", $"Expiring in {ReminderDays} days: {r.Summary}", text, ct);
            }
        }
        return (expired, reminded);
    }
}
