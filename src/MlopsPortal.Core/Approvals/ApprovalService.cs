using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core.Approvals;

/// <summary>What an engineer asks for: a version to a stage, with a reason; a rollback is an earlier version back to Production.</summary>
public sealed record PromotionInput(Guid ModelVersionId, string TargetStage, string Justification, bool Rollback = false);

/// <summary>
/// A sign-off as submitted: the decision, a comment, the role to count for (when the signer could count for
/// several), whose delegate they act as (optional), and the password or authenticator code that proves it is them.
/// </summary>
public sealed record SignOffInput(bool Approve, string Comment, string? Role = null, string? OnBehalfOf = null, string? Password = null, string? Code = null);

/// <summary>One way the current user may sign a request: as a role of their own, or of someone they stand in for.</summary>
public sealed record SigningOption(string Role, string? OnBehalfOfUserId, string? OnBehalfOfUserName, Guid? DelegationId)
{
    public string Label => OnBehalfOfUserName is null ? Roles.Display(Role) : $"{Roles.Display(Role)} for {OnBehalfOfUserName}";
}

/// <summary>A request with everything its page shows.</summary>
public sealed record ApprovalView(
    ApprovalRequest Request, IReadOnlyList<SignOff> SignOffs, ApprovalPolicy? Policy, Model? Model, ModelVersion? Version,
    ModelVersion? Champion, IReadOnlyList<RoleProgress> Progress);

/// <summary>How far one required role has come: approvals so far of the count it needs.</summary>
public sealed record RoleProgress(string Role, int Required, int Approved);

/// <summary>
/// Approval requests for promotions, rollbacks and acceptance-criteria changes (contracts §6): automated gates,
/// the sign-offs the request's policy version requires, segregation of duties, step-up, delegates, expiry, and
/// the stage change in the transaction of the last sign-off. Every change is audited; notifications and webhook
/// events go into the same transaction.
/// </summary>
public sealed partial class ApprovalService(IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users, ModelService models,
    Scheduling.ScheduleService? schedules = null)
{
    public static readonly string[] RequestRoles = [Roles.MlEngineer, Roles.DataScientist];
    public static readonly string[] PolicyRoles = [Roles.ComplianceOfficer];
    /// <summary>Roles that can sign at all (not the Auditor, who changes nothing); a delegate must hold one of them too.</summary>
    public static readonly string[] SignRoles = [Roles.Administrator, Roles.ComplianceOfficer, Roles.BusinessStakeholder, Roles.MlEngineer, Roles.DataScientist];
    public const int ReminderDays = 2;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // ---- requests -------------------------------------------------------------------------------------------

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
        var policy = await CurrentPolicyAsync(db, kind, model.RiskTier, ct);
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
        await AnnounceAsync(db, request, version, ct);
        return request;
    }

    /// <summary>
    /// In a retraining run's outcome transaction (trigger: a drift alert): the new version's promotion request to Production,
    /// made in the name of whoever clicked retrain. Automated, with a human gate: its gates run now (an unevaluated version
    /// is blocked until it is evaluated and audited and the gates run again), and the policy's sign-offs decide.
    /// </summary>
    internal static async Task<ApprovalRequest?> RequestAfterRetrainingAsync(PortalDbContext db, string triggeredBy, Model model, ModelVersion version, CancellationToken ct)
    {
        if (ResponsiblePerson(triggeredBy) is not { } person || !person.StartsWith("user:", StringComparison.Ordinal)) return null;
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
        var request = await LockRequestAsync(db, requestId, ct);
        RequireOpen(request);
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
            await AnnounceAsync(db, request, version, ct, created: false);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request;
    }

    /// <summary>
    /// Changes a model's acceptance criteria: at once when no version is in Production, else through a request
    /// that the criteria-change policy of the model's tier decides (contracts §6). Returns the request, or null
    /// when the change applied directly.
    /// </summary>
    public async Task<ApprovalRequest?> ProposeCriteriaAsync(Actor actor, string slug, IReadOnlyList<AcceptanceCriterion> criteria, string? justification, CancellationToken ct = default)
    {
        actor.Require(ModelService.CriteriaRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
                    ?? throw new PortalNotFoundException($"No model '{slug}'.");
        var production = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        if (production is null)
        {
            await models.SetAcceptanceCriteriaAsync(actor, slug, criteria, ct);
            return null;
        }
        var validated = ModelService.ValidateCriteria(criteria, model.Task);
        var request = await CreateModelChangeAsync(db, actor, model, ApprovalKinds.CriteriaChange, $"Change the acceptance criteria of {model.Slug}",
            new CriteriaPayload(model.AcceptanceCriteria, validated), justification, "criteria-change-requested", ct);
        await db.SaveChangesAsync(ct);
        return request;
    }

    /// <summary>
    /// Writes a request that changes a model's settings (criteria, band, rollback rules) into the context, unsaved: one
    /// open request of a kind per model, the kind's current policy, the audit event with before and after, the lineage
    /// edge and the announcements.
    /// </summary>
    private static async Task<ApprovalRequest> CreateModelChangeAsync<T>(PortalDbContext db, Actor actor, Model model, string kind, string summary,
        T payload, string? justification, string edge, CancellationToken ct)
    {
        var why = InputLimits.Required(justification, "justification", InputLimits.Prose);
        if (await db.ApprovalRequests.AnyAsync(r => r.Status == ApprovalStatus.Open && r.Kind == kind && r.ModelId == model.Id, ct))
            throw new PortalValidationException($"A proposed {ApprovalKinds.Display(kind).ToLowerInvariant()} of '{model.Slug}' is already waiting for sign-off.");
        var policy = await CurrentPolicyAsync(db, kind, model.RiskTier, ct);
        if (policy.ProductionSignOffs.Count == 0)
            throw new PortalValidationException($"The {model.RiskTier} tier's {ApprovalKinds.Display(kind).ToLowerInvariant()} policy names no sign-offs: a compliance officer must complete it first.");
        var now = AuditChain.Now();
        var request = new ApprovalRequest
        {
            Id = Guid.NewGuid().ToString(), Kind = kind, SubjectType = EntityKinds.Model, SubjectId = model.Id.ToString(),
            ModelId = model.Id, Justification = why, Summary = summary, Payload = JsonSerializer.Serialize(payload, Json),
            RequestedBy = actor.AuditName, RequestedByUserId = actor.UserId, RequestedAt = now, ExpiresAt = now.AddDays(policy.ExpiryDays),
            Status = ApprovalStatus.Open, PolicyId = policy.Id, Required = [.. policy.ProductionSignOffs], Gates = [], GatesPassed = true,
        };
        db.ApprovalRequests.Add(request);
        db.Audit(actor.AuditName, "approval.requested", EntityKinds.ApprovalRequest, request.Id, new
        {
            kind, model = model.Slug, justification = why, change = payload,
            policy = new { policy.Kind, tier = policy.RiskTier.ToString(), policy.Version }, required = request.Required,
            expiresAt = AuditChain.FormatTime(request.ExpiresAt),
        });
        db.AddLineage(EntityKinds.Model, model.Id.ToString(), EntityKinds.ApprovalRequest, request.Id, edge);
        await AnnounceAsync(db, request, null, ct);
        return request;
    }

    /// <summary>The criteria before and after a proposed change (a criteria-change request's payload).</summary>
    public sealed record CriteriaPayload(List<AcceptanceCriterion> Before, List<AcceptanceCriterion> After);

    public static CriteriaPayload? ReadCriteriaPayload(ApprovalRequest r) =>
        r.Kind == ApprovalKinds.CriteriaChange ? JsonSerializer.Deserialize<CriteriaPayload>(r.Payload, Json) : null;

    /// <summary>An Administrator lets a request past its failing gates, with a written reason (shown in red wherever the request appears).</summary>
    public async Task OverrideGatesAsync(Actor actor, string requestId, string reason, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var why = InputLimits.Required(reason, "reason", InputLimits.Reason);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await LockRequestAsync(db, requestId, ct);
        RequireOpen(request);
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
        await AnnounceAsync(db, request, version, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task WithdrawAsync(Actor actor, string requestId, string? reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await LockRequestAsync(db, requestId, ct);
        RequireOpen(request);
        if (!actor.IsSystem && actor.UserId != request.RequestedByUserId)
            throw new PortalForbiddenException("Only the person who made a request withdraws it.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        InputLimits.Text(reason, "The reason", InputLimits.Reason);
        Close(request, ApprovalStatus.Withdrawn, actor.AuditName, reason);
        await Outbox.ResolveAsync(db, Link(request), ct);
        db.Audit(actor.AuditName, "approval.withdrawn", EntityKinds.ApprovalRequest, request.Id, new { reason });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    // ---- sign-offs ------------------------------------------------------------------------------------------

    public async Task<ApprovalRequest> SignAsync(Actor actor, string requestId, SignOffInput input, CancellationToken ct = default)
    {
        if (actor.UserId is null)
            throw new PortalForbiddenException("Sign-offs are made by people, signed in as themselves.");
        if (!actor.IsInAnyRole(SignRoles))
            throw new PortalForbiddenException("Your roles do not sign approval requests.");
        var comment = InputLimits.Required(input.Comment, "comment", InputLimits.Prose);
        var user = await users.FindByIdAsync(actor.UserId) ?? throw new PortalForbiddenException("Your account no longer exists.");
        var stepUp = await StepUpAsync(user, input.Password, input.Code);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await LockRequestAsync(db, requestId, ct);
        if (request.Kind == ApprovalKinds.RoleGrant)
            throw new PortalValidationException("Role grants are decided by a second Administrator on the Users page.");
        RequireOpen(request);
        if (request.Blocked)
            throw new PortalValidationException("A gate failed: nobody signs until an Administrator overrides it with a reason, or the requester withdraws the request.");
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == request.Id).ToListAsync(ct);
        var trainedBy = await TrainedByAsync(db, request, ct);
        var delegations = await ActiveDelegationsToAsync(db, actor.UserId, ct);
        var options = await OptionsAsync(db, actor, request, signOffs, trainedBy, delegations, explain: true, ct);
        var option = Choose(options, input.Role, input.OnBehalfOf);

        var now = AuditChain.Now();
        var signOff = new SignOff
        {
            Id = Guid.NewGuid(), RequestId = request.Id, Role = option.Role, Approved = input.Approve, Comment = comment,
            UserId = actor.UserId, UserName = actor.Name, CountsForUserId = option.OnBehalfOfUserId ?? actor.UserId,
            OnBehalfOfUserName = option.OnBehalfOfUserName, DelegationId = option.DelegationId, StepUp = stepUp, SignedAt = now,
        };
        db.SignOffs.Add(signOff);
        db.Audit(actor.AuditName, input.Approve ? "approval.signed" : "approval.rejected-by-signer", EntityKinds.ApprovalRequest, request.Id, new
        {
            role = option.Role, decision = input.Approve ? "approve" : "reject", comment, onBehalfOf = option.OnBehalfOfUserName,
            delegation = option.DelegationId?.ToString(), stepUp,
        });
        await Outbox.PublishAsync(db, WebhookEvents.RequestSigned, EventData(request, new
        {
            signer = actor.Name, role = option.Role, decision = input.Approve ? "approve" : "reject", comment, onBehalfOf = option.OnBehalfOfUserName,
        }), ct);

        signOffs.Add(signOff);
        if (!input.Approve)
        {
            Close(request, ApprovalStatus.Rejected, actor.AuditName, comment);
            await Outbox.ResolveAsync(db, Link(request), ct);
            db.Audit(actor.AuditName, "approval.rejected", EntityKinds.ApprovalRequest, request.Id, new { role = option.Role, comment });
            await Outbox.PublishAsync(db, WebhookEvents.RequestRejected, EventData(request, new { by = actor.Name, role = option.Role, comment }), ct);
            await NotifyRequesterAsync(db, request, "request-rejected", $"Rejected: {request.Summary}",
                $"{actor.Name} ({Roles.Display(option.Role)}) rejected the request: {comment}", ct);
        }
        else if (Progress(request, signOffs).All(p => p.Approved >= p.Required))
        {
            Close(request, ApprovalStatus.Approved, actor.AuditName, comment);
            await Outbox.ResolveAsync(db, Link(request), ct);
            db.Audit(actor.AuditName, "approval.approved", EntityKinds.ApprovalRequest, request.Id, new
            {
                signedBy = signOffs.Select(s => new { s.UserName, s.Role, onBehalfOf = s.OnBehalfOfUserName }),
            });
            await Outbox.PublishAsync(db, WebhookEvents.RequestApproved, EventData(request, new
            {
                signedBy = signOffs.Select(s => new { user = s.UserName, s.Role, onBehalfOf = s.OnBehalfOfUserName, signedAt = AuditChain.FormatTime(s.SignedAt) }),
            }), ct);
            await ApplyAsync(db, actor, request, signOffs, ct);
            await NotifyRequesterAsync(db, request, "request-approved", $"Approved: {request.Summary}",
                $"Every required sign-off is in; the last came from {actor.Name} ({Roles.Display(option.Role)}).", ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new PortalValidationException("You (or the person you stand in for) have already signed this request.");
        }
        await tx.CommitAsync(ct);
        if (request.Status == ApprovalStatus.Approved && request.TargetStage == VersionStage.Production && request.ModelId is { } modelId && schedules is not null)
        {
            // The drift schedule the stage change may have created: its Quartz trigger now (every node also re-syncs at start).
            await using var read = await dbFactory.CreateDbContextAsync(ct);
            foreach (var schedule in await read.JobSchedules.AsNoTracking()
                         .Where(x => x.SubjectType == "model" && x.SubjectId == modelId.ToString()
                             && (x.Kind == Scheduling.JobKinds.DriftReport || x.Kind == Scheduling.JobKinds.LivePerformance)).ToListAsync(ct))
                await schedules.SyncAsync(schedule, ct);
        }
        return request;
    }

    /// <summary>The ways the actor may sign the request now (empty when they may not).</summary>
    public async Task<IReadOnlyList<SigningOption>> SigningOptionsAsync(Actor actor, string requestId, CancellationToken ct = default)
    {
        if (actor.UserId is null || !actor.IsInAnyRole(SignRoles)) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || !request.IsOpen || request.Blocked || request.Kind == ApprovalKinds.RoleGrant) return [];
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == requestId).ToListAsync(ct);
        var delegations = await ActiveDelegationsToAsync(db, actor.UserId, ct);
        return await OptionsAsync(db, actor, request, signOffs, await TrainedByAsync(db, request, ct), delegations, explain: false, ct);
    }

    /// <summary>
    /// The roles the actor could count for: their own, and those of people who named them delegate, where a slot is
    /// still open and segregation of duties allows (neither the signer nor the person they stand in for made the
    /// request or trained the version, and neither has signed it). With <paramref name="explain"/> an empty answer
    /// throws with the reason instead.
    /// </summary>
    private async Task<List<SigningOption>> OptionsAsync(PortalDbContext db, Actor actor, ApprovalRequest request, List<SignOff> signOffs,
        string? trainedBy, List<Delegation> delegations, bool explain, CancellationToken ct)
    {
        void Refuse(string message)
        {
            if (explain) throw new PortalForbiddenException(message);
        }
        bool Conflicted(string userId, string userName) =>
            userId == request.RequestedByUserId || request.RequestedBy == $"user:{userName}" || trainedBy == $"user:{userName}";

        if (Conflicted(actor.UserId!, actor.Name))
        {
            Refuse(actor.UserId == request.RequestedByUserId || request.RequestedBy == actor.AuditName
                ? "You made this request: someone else signs it (segregation of duties)."
                : "You trained this version: someone else signs its promotion (segregation of duties).");
            return [];
        }
        if (signOffs.FirstOrDefault(s => s.UserId == actor.UserId || s.CountsForUserId == actor.UserId) is { } mine)
        {
            Refuse($"You already signed this request as {Roles.Display(mine.Role)}: one person counts for one role.");
            return [];
        }
        var open = Progress(request, signOffs).Where(p => p.Approved < p.Required).Select(p => p.Role).ToHashSet();
        var options = actor.Roles.Where(open.Contains).Select(r => new SigningOption(r, null, null, null)).ToList();
        foreach (var d in delegations)
        {
            if (signOffs.Any(s => s.UserId == d.FromUserId || s.CountsForUserId == d.FromUserId) || Conflicted(d.FromUserId, d.FromUserName))
                continue;
            var principal = await users.FindByIdAsync(d.FromUserId);
            if (principal is null) continue;
            foreach (var role in (await users.GetRolesAsync(principal)).Where(open.Contains))
                options.Add(new SigningOption(role, d.FromUserId, d.FromUserName, d.Id));
        }
        if (options.Count == 0)
            Refuse(open.Count == 0
                ? "Every required role has signed already."
                : $"This request still needs {string.Join(", ", open.Select(Roles.Display))}; you hold none of those roles (nor stand in for someone who does).");
        return options;
    }

    private static SigningOption Choose(List<SigningOption> options, string? role, string? onBehalfOf)
    {
        var matching = options.Where(o => (role is null || o.Role.Equals(role, StringComparison.OrdinalIgnoreCase))
            && (onBehalfOf is null ? role is null || o.OnBehalfOfUserId is null
                : string.Equals(o.OnBehalfOfUserName, onBehalfOf, StringComparison.OrdinalIgnoreCase) || o.OnBehalfOfUserId == onBehalfOf)).ToList();
        if (matching.Count == 1) return matching[0];
        if (role is null && onBehalfOf is null && matching.Count > 1)
            throw new PortalValidationException($"You can count for {string.Join(" or ", matching.Select(o => o.Label))}: say which (role, and onBehalfOf for a delegate's sign-off).");
        if (matching.Count > 1) return matching[0];
        throw new PortalForbiddenException($"You cannot sign as {Roles.Display(role ?? "")}{(onBehalfOf is null ? "" : $" for {onBehalfOf}")}: you may sign as {string.Join(" or ", options.Select(o => o.Label))}.");
    }

    /// <summary>The password or authenticator code, checked again; failures count towards lockout.</summary>
    private async Task<string> StepUpAsync(PortalUser user, string? password, string? code)
    {
        if (await users.IsLockedOutAsync(user))
            throw new PortalForbiddenException("Your account is locked after too many failed attempts; nothing was signed.");
        if (!string.IsNullOrWhiteSpace(code))
        {
            if (!await users.GetTwoFactorEnabledAsync(user))
                throw new PortalValidationException("You have no authenticator app set up: confirm with your password instead.");
            var ok = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code.Replace(" ", "").Replace("-", ""));
            if (ok)
            {
                await users.ResetAccessFailedCountAsync(user);
                return "authenticator";
            }
            await users.AccessFailedAsync(user);
            throw new PortalValidationException("The authenticator code is not right; nothing was signed.");
        }
        if (string.IsNullOrEmpty(password))
            throw new PortalValidationException("Confirm it is you: enter your password (or authenticator code) to sign.");
        if (await users.CheckPasswordAsync(user, password))
        {
            await users.ResetAccessFailedCountAsync(user);
            return "password";
        }
        await users.AccessFailedAsync(user);
        throw new PortalValidationException("The password is not right; nothing was signed.");
    }

    /// <summary>The approved request's effect, in its transaction: the stage change, or the new criteria.</summary>
    private static async Task ApplyAsync(PortalDbContext db, Actor actor, ApprovalRequest request, List<SignOff> signOffs, CancellationToken ct)
    {
        var signers = signOffs.Select(s => $"{s.UserName} ({Roles.Display(s.Role)}{(s.OnBehalfOfUserName is null ? "" : $" for {s.OnBehalfOfUserName}")})").ToList();
        if (request.Kind == ApprovalKinds.CriteriaChange)
        {
            var payload = ReadCriteriaPayload(request)!;
            var model = await db.Models.SingleAsync(m => m.Id == request.ModelId, ct);
            model.AcceptanceCriteria = payload.After;
            model.UpdatedAt = AuditChain.Now();
            model.UpdatedBy = request.RequestedBy;
            db.Audit(actor.AuditName, "model.acceptance-criteria-changed", EntityKinds.Model, model.Id.ToString(), new
            {
                slug = model.Slug, approvalRequest = request.Id, before = payload.Before, after = payload.After, signedBy = signers,
            });
            return;
        }
        if (request.Kind is ApprovalKinds.ConfidenceBand or ApprovalKinds.RollbackRules)
        {
            await ApplyMonitoringChangeAsync(db, actor, request, signers, ct);
            return;
        }
        await ChangeStageAsync(db, actor.AuditName, Guid.Parse(request.SubjectId), request.TargetStage!.Value, request.Kind, request.Id, signers, ct);
    }

    /// <summary>
    /// Moves a version to a stage. For Production the model's row is locked first, so two promotions finishing at
    /// the same moment take turns: the later one archives the earlier one's version, and exactly one Production
    /// version remains (the database's filtered unique index says so too). The only code that changes a stage.
    /// </summary>
    internal static async Task ChangeStageAsync(PortalDbContext db, string auditActor, Guid versionId, VersionStage target, string reason,
        string? requestId, List<string> signers, CancellationToken ct)
    {
        var modelId = await db.ModelVersions.Where(v => v.Id == versionId).Select(v => v.ModelId).SingleAsync(ct);
        await TrainingService.LockModelAsync(db, modelId, ct);
        var version = await db.ModelVersions.AsNoTracking().SingleAsync(v => v.Id == versionId, ct);
        if (version.Stage == target)
            throw new PortalValidationException($"Version {version.Number} is already in {target}: this request can no longer change anything; withdraw it.");
        if (version.Stage == VersionStage.Production)
            throw new PortalValidationException($"Version {version.Number} went to Production meanwhile: this request would take it out; withdraw it.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == modelId, ct);
        var now = AuditChain.Now();
        var changes = new List<(ModelVersion Version, VersionStage From, VersionStage To, string Reason)>();
        if (target == VersionStage.Production)
        {
            var replaced = await db.ModelVersions.AsNoTracking()
                .Where(v => v.ModelId == modelId && v.Stage == VersionStage.Production && v.Id != versionId).ToListAsync(ct);
            foreach (var old in replaced)
            {
                await db.ModelVersions.Where(v => v.Id == old.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.Stage, VersionStage.Archived), ct);
                changes.Add((old, VersionStage.Production, VersionStage.Archived, "replaced"));
            }
        }
        await db.ModelVersions.Where(v => v.Id == versionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Stage, target), ct);
        changes.Add((version, version.Stage, target, reason));

        foreach (var (v, from, to, why) in changes)
        {
            db.StageChanges.Add(new StageChange
            {
                ModelId = modelId, ModelVersionId = v.Id, VersionNumber = v.Number, From = from, To = to, RequestId = requestId,
                Reason = why, SignedBy = signers, ChangedAt = now,
            });
            db.Audit(auditActor, "model-version.stage-changed", EntityKinds.ModelVersion, v.Id.ToString(), new
            {
                model = model.Slug, version = v.Number, from = from.ToString(), to = to.ToString(), reason = why, approvalRequest = requestId, signedBy = signers,
            });
            await Outbox.PublishAsync(db, WebhookEvents.StageChanged, new
            {
                model = model.Slug, version = v.Number, versionId = v.Id, from = from.ToString(), to = to.ToString(), reason = why, approvalRequest = requestId,
            }, ct);
        }
        // Lineage: the StageChange rows join the request and the version (LineageService follows their foreign keys).
        if (target == VersionStage.Production)
        {
            await Drift.DriftService.EnsureScheduleAsync(db, auditActor, model, ct);
            await Monitoring.MeasureLivePerformanceJob.EnsureScheduleAsync(db, auditActor, model, ct);
        }
        var owners = await Outbox.UsersNamedAsync(db, model.Owners, ct);
        await Outbox.NotifyAsync(db, owners, "stage-changed", $"{model.Slug} version {version.Number} is in {target}",
            string.Join(" ", changes.Select(c => $"Version {c.Version.Number}: {c.From} → {c.To}.")), $"/models/{model.Slug}", ct);
    }

    // ---- expiry ---------------------------------------------------------------------------------------------

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
                await Outbox.ResolveAsync(db, Link(r), ct);
                db.Audit(auditActor, "approval.expired", EntityKinds.ApprovalRequest, r.Id, new { expiredAt = AuditChain.FormatTime(now) });
                if (r.Kind == ApprovalKinds.RoleGrant) continue;
                r.Status = ApprovalStatus.Expired;
                await Outbox.PublishAsync(db, WebhookEvents.RequestExpired, EventData(r, null), ct);
                await NotifyRequesterAsync(db, r, "request-expired", $"Expired: {r.Summary}",
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
                var recipients = await EligibleSignersAsync(db, r, signOffs, ct);
                var text = $"{r.Summary} expires on {r.ExpiresAt:yyyy-MM-dd HH:mm} UTC and still needs {Missing(r, signOffs)}.";
                await Outbox.NotifyAsync(db, recipients, "request-expiring", $"Expiring in {ReminderDays} days: {r.Summary}", text, Link(r), ct);
                await NotifyRequesterAsync(db, r, "request-expiring", $"Expiring in {ReminderDays} days: {r.Summary}", text, ct);
            }
        }
        return (expired, reminded);
    }

    // ---- queries --------------------------------------------------------------------------------------------

    public async Task<ApprovalView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct)
                      ?? throw new PortalNotFoundException($"No approval request '{id}'.");
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == id).OrderBy(s => s.SignedAt).ToListAsync(ct);
        var policy = request.PolicyId is { } pid ? await db.ApprovalPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pid, ct) : null;
        var model = request.ModelId is { } mid ? await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Id == mid, ct) : null;
        var version = request.SubjectType == EntityKinds.ModelVersion && Guid.TryParse(request.SubjectId, out var vid)
            ? await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == vid, ct) : null;
        var champion = model is null ? null : await db.ModelVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
        return new ApprovalView(request, signOffs, policy, model, version, champion, Progress(request, signOffs));
    }

    /// <summary>Requests filtered by status and kind, newest first.</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status = null, Guid? modelId = null, int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApprovalRequests.AsNoTracking().Where(r => r.Kind != ApprovalKinds.RoleGrant);
        if (status is { } s) query = query.Where(r => r.Status == s);
        if (modelId is { } m) query = query.Where(r => r.ModelId == m);
        return await query.OrderByDescending(r => r.RequestedAt).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct);
    }

    /// <summary>Open requests the actor can sign now (their inbox), oldest first.</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> InboxAsync(Actor actor, CancellationToken ct = default)
    {
        if (actor.UserId is null || !actor.IsInAnyRole(SignRoles)) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await db.ApprovalRequests.AsNoTracking()
            .Where(r => r.Status == ApprovalStatus.Open && r.Kind != ApprovalKinds.RoleGrant).OrderBy(r => r.ExpiresAt).Take(500).ToListAsync(ct);
        var ids = open.Select(r => r.Id).ToList();
        var signOffs = (await db.SignOffs.AsNoTracking().Where(s => ids.Contains(s.RequestId)).ToListAsync(ct)).ToLookup(s => s.RequestId);
        var delegations = await ActiveDelegationsToAsync(db, actor.UserId, ct);
        var mine = new List<ApprovalRequest>();
        foreach (var r in open.Where(r => !r.Blocked))
            if ((await OptionsAsync(db, actor, r, [.. signOffs[r.Id]], await TrainedByAsync(db, r, ct), delegations, explain: false, ct)).Count > 0)
                mine.Add(r);
        return mine;
    }

    public async Task<IReadOnlyList<ApprovalRequest>> RequestedByAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApprovalRequests.AsNoTracking().Where(r => r.RequestedBy == actor.AuditName && r.Kind != ApprovalKinds.RoleGrant)
            .OrderByDescending(r => r.RequestedAt).Take(200).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<StageChange>> StageHistoryAsync(Guid modelId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StageChanges.AsNoTracking().Where(s => s.ModelId == modelId).OrderByDescending(s => s.Id).ToListAsync(ct);
    }

    // ---- policies -------------------------------------------------------------------------------------------

    /// <summary>The current version of every policy, by kind and tier.</summary>
    public async Task<IReadOnlyList<ApprovalPolicy>> PoliciesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.ApprovalPolicies.AsNoTracking().ToListAsync(ct);
        return all.GroupBy(p => (p.Kind, p.RiskTier)).Select(g => g.MaxBy(p => p.Version)!)
            .OrderBy(p => ApprovalKinds.WithPolicy.ToList().IndexOf(p.Kind)).ThenBy(p => p.RiskTier).ToList();
    }

    /// <summary>Writes the next version of a kind's policy for a tier (compliance officers only; audited; new requests only).</summary>
    public async Task<ApprovalPolicy> SetPolicyAsync(Actor actor, string kind, RiskTier tier, ApprovalPolicyValues values, CancellationToken ct = default)
    {
        actor.Require(PolicyRoles);
        if (!ApprovalKinds.WithPolicy.Contains(kind))
            throw new PortalValidationException($"'{kind}' is not a kind of request with a policy: {string.Join(", ", ApprovalKinds.WithPolicy)}.");
        var production = CheckRoles(values.ProductionSignOffs, kind == ApprovalKinds.Promotion ? "Production" : "sign-off");
        var staging = kind == ApprovalKinds.Promotion ? CheckRoles(values.StagingSignOffs, "Staging") : [];
        if (values.ExpiryDays is < 1 or > 365)
            throw new PortalValidationException("A request stays open between 1 and 365 days.");
        var gates = values.Gates ?? [];
        var unknown = gates.Where(g => !PromotionGates.All.Contains(g)).ToList();
        if (unknown.Count > 0)
            throw new PortalValidationException($"Unknown gate(s) {string.Join(", ", unknown)}: gates are {string.Join(", ", PromotionGates.All)}.");
        if (values.ChampionTolerance is < 0 or > 1 || double.IsNaN(values.ChampionTolerance))
            throw new PortalValidationException("The champion tolerance is between 0 and 1.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.ApprovalPolicies.AsNoTracking().Where(p => p.Kind == kind && p.RiskTier == tier)
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        var policy = new ApprovalPolicy
        {
            Id = Guid.NewGuid(), Kind = kind, RiskTier = tier, Version = (current?.Version ?? 0) + 1,
            StagingSignOffs = staging, ProductionSignOffs = production, ExpiryDays = values.ExpiryDays,
            Gates = kind == ApprovalKinds.CriteriaChange ? [] : [.. PromotionGates.All.Where(gates.Contains)],
            ChampionTolerance = values.ChampionTolerance, CreatedBy = actor.AuditName, CreatedAt = AuditChain.Now(),
        };
        db.ApprovalPolicies.Add(policy);
        db.Audit(actor.AuditName, "approval-policy.changed", EntityKinds.ApprovalPolicy, $"{kind}/{tier}", new
        {
            kind, tier = tier.ToString(), version = policy.Version,
            before = current is null ? null : new { current.StagingSignOffs, current.ProductionSignOffs, current.ExpiryDays, current.Gates, current.ChampionTolerance },
            after = new { policy.StagingSignOffs, policy.ProductionSignOffs, policy.ExpiryDays, policy.Gates, policy.ChampionTolerance },
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new PortalValidationException("Someone changed this policy at the same moment: reload and try again.");
        }
        return policy;
    }

    private static List<RoleRequirement> CheckRoles(List<RoleRequirement>? list, string what)
    {
        list ??= [];
        if (list.Count == 0)
            throw new PortalValidationException($"Name at least one role that signs ({what}): a policy without sign-offs would promote unchecked.");
        foreach (var r in list)
        {
            if (!Roles.IsKnown(r.Role) || r.Role == Roles.Auditor)
                throw new PortalValidationException($"'{r.Role}' cannot sign: use {string.Join(", ", Roles.All.Where(x => x != Roles.Auditor))}.");
            if (r.Count is < 1 or > 5)
                throw new PortalValidationException($"{Roles.Display(r.Role)}: between 1 and 5 distinct people.");
        }
        if (list.GroupBy(r => r.Role).Any(g => g.Count() > 1))
            throw new PortalValidationException("Name each role once, with how many people of it must sign.");
        return [.. list];
    }

    internal static async Task<ApprovalPolicy> CurrentPolicyAsync(PortalDbContext db, string kind, RiskTier tier, CancellationToken ct) =>
        await db.ApprovalPolicies.AsNoTracking().Where(p => p.Kind == kind && p.RiskTier == tier)
            .OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct)
        ?? throw new PortalValidationException($"There is no {ApprovalKinds.Display(kind).ToLowerInvariant()} policy for the {tier} risk tier: requests are denied until a compliance officer defines one.");

    // ---- delegation -----------------------------------------------------------------------------------------

    /// <summary>The people who may sign approval requests (a delegate must be one), by display name.</summary>
    public async Task<IReadOnlyList<(string UserName, string DisplayName)>> SignersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var signers = await Outbox.UsersInRolesAsync(db, SignRoles, ct);
        var names = signers.Select(r => r.UserName).ToList();
        var display = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName!)).ToDictionaryAsync(u => u.UserName!, u => u.DisplayName, ct);
        return signers.Select(r => (r.UserName, display.GetValueOrDefault(r.UserName) is { Length: > 0 } d ? d : r.UserName)).OrderBy(p => p.Item2).ToList();
    }

    public async Task<Delegation> DelegateAsync(Actor actor, string toUserName, DateTime startsAt, DateTime endsAt, string reason, CancellationToken ct = default)
    {
        if (actor.UserId is null) throw new PortalForbiddenException("Only a signed-in person names a delegate.");
        actor.Require(SignRoles);
        var why = InputLimits.Required(reason, "reason", InputLimits.Summary);
        startsAt = DateTime.SpecifyKind(startsAt, DateTimeKind.Utc);
        endsAt = DateTime.SpecifyKind(endsAt, DateTimeKind.Utc);
        if (endsAt <= startsAt) throw new PortalValidationException("The period must end after it starts.");
        if (endsAt <= DateTime.UtcNow) throw new PortalValidationException("The period is already over.");
        if (endsAt - startsAt > TimeSpan.FromDays(90)) throw new PortalValidationException("A delegation lasts at most 90 days.");
        var to = await users.FindByNameAsync((toUserName ?? "").Trim()) ?? throw new PortalValidationException($"No user named '{toUserName}'.");
        if (to.Id == actor.UserId) throw new PortalValidationException("Name someone else as your delegate.");
        if (!(await users.GetRolesAsync(to)).Any(SignRoles.Contains))
            throw new PortalValidationException($"{to.UserName} holds no role that signs approval requests: a delegate must be able to sign.");
        if (await users.IsLockedOutAsync(to)) throw new PortalValidationException($"{to.UserName}'s account is locked.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = new Delegation
        {
            Id = Guid.NewGuid(), FromUserId = actor.UserId, FromUserName = actor.Name, ToUserId = to.Id, ToUserName = to.UserName!,
            StartsAt = startsAt, EndsAt = endsAt, Reason = why, CreatedAt = AuditChain.Now(),
        };
        db.Delegations.Add(d);
        db.Audit(actor.AuditName, "delegation.created", EntityKinds.Delegation, d.Id.ToString(), new
        {
            to = d.ToUserName, startsAt = AuditChain.FormatTime(startsAt), endsAt = AuditChain.FormatTime(endsAt), reason = why,
        });
        await Outbox.NotifyAsync(db, [new Recipient(to.Id, to.UserName!, to.Email)], "delegation",
            $"{actor.Name} named you their delegate",
            $"From {startsAt:yyyy-MM-dd HH:mm} to {endsAt:yyyy-MM-dd HH:mm} UTC you may sign approval requests in their stead ({why}).", "/approvals", ct);
        await db.SaveChangesAsync(ct);
        return d;
    }

    public async Task RevokeDelegationAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.Delegations.SingleOrDefaultAsync(x => x.Id == id, ct) ?? throw new PortalNotFoundException($"No delegation {id}.");
        if (!actor.IsSystem && d.FromUserId != actor.UserId && !actor.IsInRole(Roles.Administrator))
            throw new PortalForbiddenException("Only the person who named the delegate (or an Administrator) ends a delegation.");
        if (d.RevokedAt is not null) return;
        d.RevokedAt = AuditChain.Now();
        db.Audit(actor.AuditName, "delegation.revoked", EntityKinds.Delegation, d.Id.ToString(), new { from = d.FromUserName, to = d.ToUserName });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Delegations the user gave and received that have not ended.</summary>
    public async Task<IReadOnlyList<Delegation>> DelegationsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        return await db.Delegations.AsNoTracking()
            .Where(d => (d.FromUserId == actor.UserId || d.ToUserId == actor.UserId) && d.RevokedAt == null && d.EndsAt > now)
            .OrderBy(d => d.StartsAt).ToListAsync(ct);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    public static IReadOnlyList<RoleProgress> Progress(ApprovalRequest request, IEnumerable<SignOff> signOffs) =>
        request.Required.Select(r => new RoleProgress(r.Role, r.Count, signOffs.Count(s => s.Approved && s.Role == r.Role))).ToList();

    private static string Missing(ApprovalRequest r, IEnumerable<SignOff> signOffs) =>
        string.Join(", ", Progress(r, signOffs).Where(p => p.Approved < p.Required)
            .Select(p => p.Required - p.Approved > 1 ? $"{p.Required - p.Approved} × {Roles.Display(p.Role)}" : Roles.Display(p.Role)));

    public static string Link(ApprovalRequest r) => $"/approvals/{r.Id}";

    private static async Task<ApprovalRequest> LockRequestAsync(PortalDbContext db, string id, CancellationToken ct)
    {
        // A no-op write takes the request's row lock first: concurrent sign-offs of one request take turns, so the
        // last one always sees every other (SQLite: the write lock, taken before any read of this transaction).
        var locked = await db.ApprovalRequests.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Kind, r => r.Kind), ct);
        if (locked == 0) throw new PortalNotFoundException($"No approval request '{id}'.");
        return await db.ApprovalRequests.SingleAsync(r => r.Id == id, ct);
    }

    private static void RequireOpen(ApprovalRequest request)
    {
        if (request.Status != ApprovalStatus.Open)
            throw new PortalValidationException($"The request is {request.Status.ToString().ToLowerInvariant()}: nothing more can be signed.");
        if (request.ExpiresAt <= DateTime.UtcNow)
            throw new PortalValidationException($"The request expired on {request.ExpiresAt:yyyy-MM-dd HH:mm} UTC: ask again.");
    }

    private static void Close(ApprovalRequest request, ApprovalStatus status, string by, string? comment)
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
    private static async Task<string?> TrainedByAsync(PortalDbContext db, ApprovalRequest r, CancellationToken ct)
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

    private static async Task<List<Delegation>> ActiveDelegationsToAsync(PortalDbContext db, string userId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return await db.Delegations.AsNoTracking()
            .Where(d => d.ToUserId == userId && d.RevokedAt == null && d.StartsAt <= now && d.EndsAt > now).ToListAsync(ct);
    }

    /// <summary>Everyone who could still sign: holders of a missing role and their active delegates, never the requester or trainer.</summary>
    private static async Task<List<Recipient>> EligibleSignersAsync(PortalDbContext db, ApprovalRequest r, List<SignOff> signOffs, CancellationToken ct)
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

    private static async Task NotifyRequesterAsync(PortalDbContext db, ApprovalRequest r, string kind, string title, string body, CancellationToken ct)
    {
        if (r.RequestedByUserId is null) return;
        var requester = await db.Users.AsNoTracking().Where(u => u.Id == r.RequestedByUserId)
            .Select(u => new Recipient(u.Id, u.UserName!, u.Email)).SingleOrDefaultAsync(ct);
        if (requester is not null)
            await Outbox.NotifyAsync(db, [requester], kind, title, body, Link(r), ct);
    }

    /// <summary>New or newly unblocked request: the webhook event, and "a request is due" for everyone who can sign.</summary>
    private static async Task AnnounceAsync(PortalDbContext db, ApprovalRequest r, ModelVersion? version, CancellationToken ct, bool created = true)
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

    private static object EventData(ApprovalRequest r, object? extra) => new
    {
        request = new
        {
            r.Id, r.Kind, r.Summary, subjectType = r.SubjectType, subjectId = r.SubjectId, targetStage = r.TargetStage?.ToString(),
            requestedBy = r.RequestedBy, status = r.Status.ToString(), expiresAt = AuditChain.FormatTime(r.ExpiresAt), url = Link(r),
        },
        details = extra,
    };
}
