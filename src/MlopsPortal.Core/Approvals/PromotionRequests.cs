using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Requests to move a version to a stage (promotion, rollback): asked by people or by a retraining run, their gates run
/// again, overridden by an Administrator with a reason, or withdrawn. The sign-offs decide them (<see cref="SignOffService"/>).
/// </summary>
public sealed class PromotionRequests(IDbContextFactory<PortalDbContext> dbFactory)
{
    public static readonly string[] RequestRoles = [Roles.MlEngineer, Roles.DataScientist];
    public async Task<ApprovalRequest> RequestPromotionAsync(Actor actor, PromotionInput input, CancellationToken ct = default)
    {
        actor.Require(RequestRoles);
        var justification = InputLimits.Required(input.Justification, "justification", InputLimits.Prose);
        if (!Enum.TryParse<VersionStage>(input.TargetStage, true, out var target) || target is not (VersionStage.Staging or VersionStage.Production))
            throw new PortalValidationException($"'{input.TargetStage}' is not a stage a version can be promoted to: use Staging or Production.");
        if (input.Rollback && target != VersionStage.Production)
            throw new PortalValidationException("A rollback returns an earlier version to Production.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == input.ModelVersionId, ct)
                      ?? throw new PortalNotFoundException($"No model version {input.ModelVersionId}.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        if (version.Stage == target)
            throw new PortalValidationException($"Version {version.Number} of '{model.Slug}' is already in {target}.");
        if (target == VersionStage.Staging && version.Stage == VersionStage.Production)
            throw new PortalValidationException($"Version {version.Number} is in Production: a rollback to an earlier version replaces it.");
        var champion = await db.ModelVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        if (input.Rollback)
        {
            if (champion is null)
                throw new PortalValidationException($"'{model.Slug}' has no Production version to roll back.");
            if (version.Number >= champion.Number)
                throw new PortalValidationException($"A rollback returns to an earlier version than the one in Production (version {champion.Number}).");
            if (!await db.StageChanges.AnyAsync(h => h.ModelVersionId == version.Id && h.To == VersionStage.Production, ct))
                throw new PortalValidationException($"Version {version.Number} was never in Production: promote it through the normal policy instead of a rollback.");
        }
        if (await db.ApprovalRequests.AnyAsync(r => r.Status == ApprovalStatus.Open && r.SubjectId == version.Id.ToString()
                && r.TargetStage == target, ct))
            throw new PortalValidationException($"An open request already asks for version {version.Number} to go to {target}.");

        var request = await CreatePromotionAsync(db, actor.AuditName, actor.UserId, model, version, target, justification, input.Rollback, champion, ct);
        await db.SaveChangesAsync(ct);
        return request;
    }

    /// <summary>
    /// Writes a promotion or rollback request into the context (not saved): the current policy of the kind and tier, the
    /// gates run now, the audit event, the lineage edge and the announcements. Shared by people's requests and the request
    /// that a retraining run started from a drift alert ends in.
    /// </summary>
    internal static async Task<ApprovalRequest> CreatePromotionAsync(PortalDbContext db, string requestedBy, string? requestedByUserId, Model model,
        ModelVersion version, VersionStage target, string justification, bool rollback, ModelVersion? champion, CancellationToken ct)
    {
        var kind = rollback ? ApprovalKinds.Rollback : ApprovalKinds.Promotion;
        var policy = await ApprovalPolicies.CurrentPolicyAsync(db, kind, model.RiskTier, ct);
        var required = policy.SignOffsFor(target);
        if (required.Count == 0)
            throw new PortalValidationException($"The {model.RiskTier} tier's {ApprovalKinds.Display(kind).ToLowerInvariant()} policy names no sign-offs for {target}: a compliance officer must complete it first.");
        var gates = await PromotionGates.RunAsync(db, model, version, policy, ct);

        var now = AuditChain.Now();
        var request = new ApprovalRequest
        {
            Id = Guid.NewGuid().ToString(), Kind = kind, SubjectType = EntityKinds.ModelVersion, SubjectId = version.Id.ToString(),
            ModelId = model.Id, TargetStage = target, Justification = justification,
            Summary = rollback ? $"Roll back {model.Slug} to version {version.Number} (replacing version {champion!.Number})"
                               : $"Promote {model.Slug} version {version.Number} to {target}",
            RequestedBy = requestedBy, RequestedByUserId = requestedByUserId, RequestedAt = now,
            ExpiresAt = now.AddDays(policy.ExpiryDays), Status = ApprovalStatus.Open, PolicyId = policy.Id,
            Required = [.. required], Gates = gates, GatesPassed = gates.All(g => g.Passed),
        };
        db.ApprovalRequests.Add(request);
        db.Audit(requestedBy, "approval.requested", EntityKinds.ApprovalRequest, request.Id, new
        {
            kind, model = model.Slug, version = version.Number, versionId = version.Id.ToString(), target = target.ToString(), justification,
            policy = new { policy.Kind, tier = policy.RiskTier.ToString(), policy.Version }, required,
            gates = gates.Select(g => new { g.Gate, g.Passed, g.Summary }), gatesPassed = request.GatesPassed,
            expiresAt = AuditChain.FormatTime(request.ExpiresAt),
        });
        db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.ApprovalRequest, request.Id, rollback ? "rollback-requested" : "promotion-requested");
        await RequestSteps.AnnounceAsync(db, request, version, ct);
        return request;
    }

    /// <summary>
    /// In a retraining run's outcome transaction (trigger: a drift alert): the new version's promotion request to Production,
    /// made in the name of whoever clicked retrain. Automated, with a human gate: its gates run now (an unevaluated version
    /// is blocked until it is evaluated and audited and the gates run again), and the policy's sign-offs decide.
    /// </summary>
    internal static async Task<ApprovalRequest?> RequestAfterRetrainingAsync(PortalDbContext db, string triggeredBy, Model model, ModelVersion version, CancellationToken ct)
    {
        if (RequestSteps.ResponsiblePerson(triggeredBy) is not { } person || !person.StartsWith("user:", StringComparison.Ordinal)) return null;
        var name = person["user:".Length..].ToUpperInvariant();
        var userId = await db.Users.Where(u => u.NormalizedUserName == name).Select(u => u.Id).SingleOrDefaultAsync(ct);
        var alertId = Guid.TryParse(triggeredBy["drift-alert:".Length..].Split(' ')[0], out var a) ? a : Guid.Empty;
        // In words, not ids: the alert's severity, its version and when it was raised (the lineage links the alert itself).
        var alert = await db.DriftAlerts.AsNoTracking().Where(x => x.Id == alertId)
            .Join(db.ModelVersions, x => x.ModelVersionId, v => v.Id, (x, v) => new { x.Severity, x.RaisedAt, v.Number }).SingleOrDefaultAsync(ct);
        var because = alert is null ? "a drift alert" : $"the {alert.Severity.ToString().ToLowerInvariant()} drift alert on {model.Slug} v{alert.Number} of {alert.RaisedAt:yyyy-MM-dd HH:mm} UTC";
        if (await db.ApprovalRequests.AnyAsync(r => r.Status == ApprovalStatus.Open && r.SubjectId == version.Id.ToString(), ct)) return null;
        var champion = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        return await CreatePromotionAsync(db, person, userId, model, version, VersionStage.Production,
            $"Retrained after {because}. Evaluate it and audit its fairness, then run the gates again.", false, champion, ct);
    }

    /// <summary>Runs a request's gates again with its own policy version (the requester or an Administrator), e.g. after an evaluation.</summary>
    public async Task<ApprovalRequest> RecheckGatesAsync(Actor actor, string requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await RequestSteps.LockRequestAsync(db, requestId, ct);
        RequestSteps.RequireOpen(request);
        if (request.SubjectType != EntityKinds.ModelVersion || request.PolicyId is null)
            throw new PortalValidationException("This request has no gates.");
        if (!actor.IsSystem && actor.UserId != request.RequestedByUserId && !actor.IsInRole(Roles.Administrator))
            throw new PortalForbiddenException("The requester or an Administrator runs the gates again.");
        var version = await db.ModelVersions.AsNoTracking().SingleAsync(v => v.Id == Guid.Parse(request.SubjectId), ct);
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        var policy = await db.ApprovalPolicies.AsNoTracking().SingleAsync(p => p.Id == request.PolicyId, ct);
        var wasBlocked = request.Blocked;
        request.Gates = await PromotionGates.RunAsync(db, model, version, policy, ct);
        request.GatesPassed = request.Gates.All(g => g.Passed);
        db.Audit(actor.AuditName, "approval.gates-rechecked", EntityKinds.ApprovalRequest, request.Id, new
        {
            gates = request.Gates.Select(g => new { g.Gate, g.Passed, g.Summary }), gatesPassed = request.GatesPassed,
        });
        if (wasBlocked && !request.Blocked)
            await RequestSteps.AnnounceAsync(db, request, version, ct, created: false);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>An Administrator lets a request past its failing gates, with a written reason (shown in red wherever the request appears).</summary>
    public async Task OverrideGatesAsync(Actor actor, string requestId, string reason, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var why = InputLimits.Required(reason, "reason", InputLimits.Reason);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await RequestSteps.LockRequestAsync(db, requestId, ct);
        RequestSteps.RequireOpen(request);
        if (request.GatesPassed)
            throw new PortalValidationException("Every gate passed: there is nothing to override.");
        if (request.GateOverrideBy is not null)
            throw new PortalValidationException($"{request.GateOverrideBy} already overrode the gates.");
        if (actor.UserId is not null && actor.UserId == request.RequestedByUserId)
            throw new PortalForbiddenException("You made this request: another Administrator decides whether its gates are overridden.");
        request.GateOverrideBy = actor.AuditName;
        request.GateOverrideReason = why;
        request.GateOverrideAt = AuditChain.Now();
        db.Audit(actor.AuditName, "approval.gates-overridden", EntityKinds.ApprovalRequest, request.Id, new
        {
            reason = why, failed = request.Gates.Where(g => !g.Passed).Select(g => new { g.Gate, g.Summary }),
        });
        var version = request.SubjectType == EntityKinds.ModelVersion
            ? await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == Guid.Parse(request.SubjectId), ct) : null;
        await RequestSteps.AnnounceAsync(db, request, version, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task WithdrawAsync(Actor actor, string requestId, string? reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await RequestSteps.LockRequestAsync(db, requestId, ct);
        RequestSteps.RequireOpen(request);
        if (!actor.IsSystem && actor.UserId != request.RequestedByUserId)
            throw new PortalForbiddenException("Only the person who made a request withdraws it.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        InputLimits.Text(reason, "The reason", InputLimits.Reason);
        RequestSteps.Close(request, ApprovalStatus.Withdrawn, actor.AuditName, reason);
        await Outbox.ResolveAsync(db, RequestSteps.Link(request), ct);
        db.Audit(actor.AuditName, "approval.withdrawn", EntityKinds.ApprovalRequest, request.Id, new { reason });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
