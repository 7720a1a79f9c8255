using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Sign-offs: who may sign a request now (roles, delegates, segregation of duties), the step-up check, and the request's
/// effect in the transaction of the last sign-off — the stage change, or the model change.
/// </summary>
public sealed class SignOffService(IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users, StageChangeService stages,
    ScheduleService? schedules = null)
{
    /// <summary>Roles that can sign at all (not the Auditor, who changes nothing); a delegate must hold one of them too.</summary>
    public static readonly string[] SignRoles = [Roles.Administrator, Roles.ComplianceOfficer, Roles.BusinessStakeholder, Roles.MlEngineer, Roles.DataScientist];
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
        var request = await RequestSteps.LockRequestAsync(db, requestId, ct);
        if (request.Kind == ApprovalKinds.RoleGrant)
            throw new PortalValidationException("Role grants are decided by a second Administrator on the Users page.");
        RequestSteps.RequireOpen(request);
        if (request.Blocked)
            throw new PortalValidationException("A gate failed: nobody signs until an Administrator overrides it with a reason, or the requester withdraws the request.");
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == request.Id).ToListAsync(ct);
        var trainedBy = await RequestSteps.TrainedByAsync(db, request, ct);
        var delegations = await RequestSteps.ActiveDelegationsToAsync(db, actor.UserId, ct);
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
        await Outbox.PublishAsync(db, WebhookEvents.RequestSigned, RequestSteps.EventData(request, new
        {
            signer = actor.Name, role = option.Role, decision = input.Approve ? "approve" : "reject", comment, onBehalfOf = option.OnBehalfOfUserName,
        }), ct);

        signOffs.Add(signOff);
        if (!input.Approve)
        {
            RequestSteps.Close(request, ApprovalStatus.Rejected, actor.AuditName, comment);
            await Outbox.ResolveAsync(db, RequestSteps.Link(request), ct);
            db.Audit(actor.AuditName, "approval.rejected", EntityKinds.ApprovalRequest, request.Id, new { role = option.Role, comment });
            await Outbox.PublishAsync(db, WebhookEvents.RequestRejected, RequestSteps.EventData(request, new { by = actor.Name, role = option.Role, comment }), ct);
            await RequestSteps.NotifyRequesterAsync(db, request, "request-rejected", $"Rejected: {request.Summary}",
                $"{actor.Name} ({Roles.Display(option.Role)}) rejected the request: {comment}", ct);
        }
        else if (RequestSteps.Progress(request, signOffs).All(p => p.Approved >= p.Required))
        {
            RequestSteps.Close(request, ApprovalStatus.Approved, actor.AuditName, comment);
            await Outbox.ResolveAsync(db, RequestSteps.Link(request), ct);
            db.Audit(actor.AuditName, "approval.approved", EntityKinds.ApprovalRequest, request.Id, new
            {
                signedBy = signOffs.Select(s => new { s.UserName, s.Role, onBehalfOf = s.OnBehalfOfUserName }),
            });
            await Outbox.PublishAsync(db, WebhookEvents.RequestApproved, RequestSteps.EventData(request, new
            {
                signedBy = signOffs.Select(s => new { user = s.UserName, s.Role, onBehalfOf = s.OnBehalfOfUserName, signedAt = AuditChain.FormatTime(s.SignedAt) }),
            }), ct);
            await ApplyAsync(db, actor, request, signOffs, ct);
            await RequestSteps.NotifyRequesterAsync(db, request, "request-approved", $"Approved: {request.Summary}",
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
                             && (x.Kind == ReportDriftJob.Kind || x.Kind == MeasureLivePerformanceJob.Kind)).ToListAsync(ct))
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
        var delegations = await RequestSteps.ActiveDelegationsToAsync(db, actor.UserId, ct);
        return await OptionsAsync(db, actor, request, signOffs, await RequestSteps.TrainedByAsync(db, request, ct), delegations, explain: false, ct);
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
        var delegations = await RequestSteps.ActiveDelegationsToAsync(db, actor.UserId, ct);
        var mine = new List<ApprovalRequest>();
        foreach (var r in open.Where(r => !r.Blocked))
            if ((await OptionsAsync(db, actor, r, [.. signOffs[r.Id]], await RequestSteps.TrainedByAsync(db, r, ct), delegations, explain: false, ct)).Count > 0)
                mine.Add(r);
        return mine;
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
        var open = RequestSteps.Progress(request, signOffs).Where(p => p.Approved < p.Required).Select(p => p.Role).ToHashSet();
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
    private async Task ApplyAsync(PortalDbContext db, Actor actor, ApprovalRequest request, List<SignOff> signOffs, CancellationToken ct)
    {
        var signers = signOffs.Select(s => $"{s.UserName} ({Roles.Display(s.Role)}{(s.OnBehalfOfUserName is null ? "" : $" for {s.OnBehalfOfUserName}")})").ToList();
        if (request.Kind == ApprovalKinds.CriteriaChange)
        {
            var payload = ModelChangeRequests.ReadCriteriaPayload(request)!;
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
            await ModelChangeRequests.ApplyMonitoringChangeAsync(db, actor, request, signers, ct);
            return;
        }
        await stages.ChangeAsync(db, actor.AuditName, Guid.Parse(request.SubjectId), request.TargetStage!.Value, request.Kind, request.Id, signers, ct);
    }
}
