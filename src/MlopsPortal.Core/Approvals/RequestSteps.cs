using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// The steps every kind of approval request shares, inside the caller's transaction: locking, closing, who still
/// signs, and the announcements (notifications and webhook events).
/// </summary>
public static class RequestSteps
{
    public static IReadOnlyList<RoleProgress> Progress(ApprovalRequest request, IEnumerable<SignOff> signOffs) =>
        request.Required.Select(r => new RoleProgress(r.Role, r.Count, signOffs.Count(s => s.Approved && s.Role == r.Role))).ToList();

    internal static string Missing(ApprovalRequest r, IEnumerable<SignOff> signOffs) =>
        string.Join(", ", Progress(r, signOffs).Where(p => p.Approved < p.Required)
            .Select(p => p.Required - p.Approved > 1 ? $"{p.Required - p.Approved} × {Roles.Display(p.Role)}" : Roles.Display(p.Role)));

    public static string Link(ApprovalRequest r) => $"/approvals/{r.Id}";

    internal static async Task<ApprovalRequest> LockRequestAsync(PortalDbContext db, string id, CancellationToken ct)
    {
        // A no-op write takes the request's row lock first: concurrent sign-offs of one request take turns, so the
        // last one always sees every other (SQLite: the write lock, taken before any read of this transaction).
        var locked = await db.ApprovalRequests.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Kind, r => r.Kind), ct);
        if (locked == 0) throw new PortalNotFoundException($"No approval request '{id}'.");
        return await db.ApprovalRequests.SingleAsync(r => r.Id == id, ct);
    }

    internal static void RequireOpen(ApprovalRequest request)
    {
        if (request.Status != ApprovalStatus.Open)
            throw new PortalValidationException($"The request is {request.Status.ToString().ToLowerInvariant()}: nothing more can be signed.");
        if (request.ExpiresAt <= DateTime.UtcNow)
            throw new PortalValidationException($"The request expired on {request.ExpiresAt:yyyy-MM-dd HH:mm} UTC: ask again.");
    }

    internal static void Close(ApprovalRequest request, ApprovalStatus status, string by, string? comment)
    {
        request.Status = status;
        request.DecidedBy = by;
        request.DecidedAt = AuditChain.Now();
        request.DecisionComment = comment;
    }

    /// <summary>
    /// The person answerable for a version's training, as an audit actor ("user:NAME"): who started the run, or for a
    /// scheduled run who created the schedule (contracts §6), recorded as "schedule:NAME (by user:NAME)", and for a run a
    /// drift alert started, who clicked retrain ("drift-alert:ID (by user:NAME)").
    /// </summary>
    internal static async Task<string?> TrainedByAsync(PortalDbContext db, ApprovalRequest r, CancellationToken ct)
    {
        if (r.SubjectType != EntityKinds.ModelVersion || !Guid.TryParse(r.SubjectId, out var id)) return null;
        var trainedBy = await db.ModelVersions.AsNoTracking().Where(v => v.Id == id).Select(v => v.TrainedBy).SingleOrDefaultAsync(ct);
        return ResponsiblePerson(trainedBy);
    }

    public static string? ResponsiblePerson(string? trainedBy)
    {
        if (trainedBy is null) return null;
        var by = trainedBy.LastIndexOf("(by ", StringComparison.Ordinal);
        return (trainedBy.StartsWith("schedule:", StringComparison.Ordinal) || trainedBy.StartsWith("drift-alert:", StringComparison.Ordinal))
               && by >= 0 && trainedBy.EndsWith(')')
            ? trainedBy[(by + 4)..^1]
            : trainedBy;
    }

    internal static async Task<List<Delegation>> ActiveDelegationsToAsync(PortalDbContext db, string userId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return await db.Delegations.AsNoTracking()
            .Where(d => d.ToUserId == userId && d.RevokedAt == null && d.StartsAt <= now && d.EndsAt > now).ToListAsync(ct);
    }

    /// <summary>Everyone who could still sign: holders of a missing role and their active delegates, never the requester or trainer.</summary>
    internal static async Task<List<Recipient>> EligibleSignersAsync(PortalDbContext db, ApprovalRequest r, List<SignOff> signOffs, CancellationToken ct)
    {
        var missing = Progress(r, signOffs).Where(p => p.Approved < p.Required).Select(p => p.Role).ToList();
        var trainedBy = await TrainedByAsync(db, r, ct);
        var holders = (await Outbox.UsersInRolesAsync(db, missing, ct))
            .Where(u => u.UserId != r.RequestedByUserId && $"user:{u.UserName}" != trainedBy && $"user:{u.UserName}" != r.RequestedBy
                        && signOffs.All(s => s.UserId != u.UserId && s.CountsForUserId != u.UserId)).ToList();
        var now = DateTime.UtcNow;
        var holderIds = holders.Select(h => h.UserId).ToList();
        var delegates = await db.Delegations.AsNoTracking()
            .Where(d => holderIds.Contains(d.FromUserId) && d.RevokedAt == null && d.StartsAt <= now && d.EndsAt > now)
            .Select(d => d.ToUserId).ToListAsync(ct);
        var delegateUsers = await db.Users.AsNoTracking().Where(u => delegates.Contains(u.Id))
            .Select(u => new Recipient(u.Id, u.UserName!, u.Email)).ToListAsync(ct);
        return [.. holders, .. delegateUsers.Where(u => u.UserId != r.RequestedByUserId)];
    }

    internal static async Task NotifyRequesterAsync(PortalDbContext db, ApprovalRequest r, string kind, string title, string body, CancellationToken ct)
    {
        if (r.RequestedByUserId is null) return;
        var requester = await db.Users.AsNoTracking().Where(u => u.Id == r.RequestedByUserId)
            .Select(u => new Recipient(u.Id, u.UserName!, u.Email)).SingleOrDefaultAsync(ct);
        if (requester is not null)
            await Outbox.NotifyAsync(db, [requester], kind, title, body, Link(r), ct);
    }

    /// <summary>New or newly unblocked request: the webhook event, and "a request is due" for everyone who can sign.</summary>
    internal static async Task AnnounceAsync(PortalDbContext db, ApprovalRequest r, ModelVersion? version, CancellationToken ct, bool created = true)
    {
        if (created && r.GateOverrideBy is null)
            await Outbox.PublishAsync(db, WebhookEvents.RequestCreated, EventData(r, new
            {
                gates = r.Gates.Select(g => new { g.Gate, g.Passed, g.Summary }), gatesPassed = r.GatesPassed, justification = r.Justification,
            }), ct);
        if (r.Blocked)
        {
            await NotifyRequesterAsync(db, r, "request-blocked", $"Blocked by a gate: {r.Summary}",
                string.Join(" ", r.Gates.Where(g => !g.Passed).Select(g => $"{PromotionGates.Display(g.Gate)}: {g.Summary}")), ct);
            return;
        }
        var recipients = await EligibleSignersAsync(db, r, [], ct);
        await Outbox.NotifyAsync(db, recipients, "request-due", $"Your sign-off is due: {r.Summary}",
            $"{r.RequestedBy.Replace("user:", "")} asks: {r.Justification} It needs {Missing(r, [])} by {r.ExpiresAt:yyyy-MM-dd HH:mm} UTC.", Link(r), ct);
    }

    internal static object EventData(ApprovalRequest r, object? extra) => new
    {
        request = new
        {
            r.Id, r.Kind, r.Summary, subjectType = r.SubjectType, subjectId = r.SubjectId, targetStage = r.TargetStage?.ToString(),
            requestedBy = r.RequestedBy, status = r.Status.ToString(), expiresAt = AuditChain.FormatTime(r.ExpiresAt), url = Link(r),
        },
        details = extra,
    };
}
