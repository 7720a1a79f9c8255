using System.Security.Claims;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record SignOffResponse(string Role, string Decision, string Comment, string User, string? OnBehalfOf, string StepUp, DateTime SignedAt)
{
    public static SignOffResponse From(SignOff s) =>
        new(s.Role, s.Approved ? "approve" : "reject", s.Comment, s.UserName, s.OnBehalfOfUserName, s.StepUp, s.SignedAt);
}

public sealed record GateOverrideResponse(string By, string Reason, DateTime At);

public sealed record ApprovalResponse(
    string Id, string Kind, string Status, string Summary, string SubjectType, string SubjectId, Guid? ModelId, string? TargetStage,
    string Justification, string RequestedBy, DateTime RequestedAt, DateTime ExpiresAt, string? DecidedBy, DateTime? DecidedAt,
    string? DecisionComment, bool GatesPassed, bool Blocked, IReadOnlyList<GateResult> Gates, GateOverrideResponse? GateOverride,
    object? Policy, IReadOnlyList<RoleProgress> Required, IReadOnlyList<SignOffResponse> SignOffs)
{
    public static ApprovalResponse From(ApprovalRequest r, IReadOnlyList<SignOff>? signOffs = null, ApprovalPolicy? policy = null) => new(
        r.Id, r.Kind, r.Status.ToString(), r.Summary, r.SubjectType, r.SubjectId, r.ModelId, r.TargetStage?.ToString(), r.Justification,
        r.RequestedBy, r.RequestedAt, r.ExpiresAt, r.DecidedBy, r.DecidedAt, r.DecisionComment, r.GatesPassed, r.Blocked, r.Gates,
        r.GateOverrideBy is null ? null : new GateOverrideResponse(r.GateOverrideBy, r.GateOverrideReason!, r.GateOverrideAt!.Value),
        policy is null ? null : new { policy.Kind, tier = policy.RiskTier.ToString(), policy.Version },
        RequestSteps.Progress(r, signOffs ?? []), (signOffs ?? []).Select(SignOffResponse.From).ToList());
}

public sealed record OverrideBody(string Reason);
public sealed record WithdrawBody(string? Reason);
public sealed record CriteriaChangeBody(List<AcceptanceCriterion> Criteria, string? Justification);
public sealed record DelegationBody(string To, DateTime StartsAt, DateTime EndsAt, string Reason);

/// <summary>/api/v1 for approval requests (promotion, rollback, criteria change), their sign-offs, the policies, delegates and notifications.</summary>
public static class ApprovalsApi
{
    public static void MapApprovalsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/promotion-requests", async (PromotionInput input, ClaimsPrincipal principal, PromotionRequests promotions, ApprovalQueries queries, CancellationToken ct) =>
            {
                var request = await promotions.RequestPromotionAsync(Actor.FromPrincipal(principal), input, ct);
                return Results.Created($"{PortalApi.Prefix}/approval-requests/{request.Id}", await ResponseAsync(queries, request.Id, ct));
            })
            .RequirePolicy(Policies.RequestPromotions)
            .WithSummary("Asks for a version to go to Staging or Production (rollback: true for an earlier version back to Production). Gates run at once; the answer shows them.");

        api.MapPost("/models/{slug}/criteria-change-requests", async (string slug, CriteriaChangeBody body, ClaimsPrincipal principal, ModelChangeRequests modelChanges, ModelService models, CancellationToken ct) =>
            {
                var request = await modelChanges.ProposeCriteriaAsync(Actor.FromPrincipal(principal), slug, body.Criteria ?? [], body.Justification, ct);
                return request is null
                    ? Results.Ok(ModelResponse.From(await models.GetAsync(slug, ct)))
                    : Results.Created($"{PortalApi.Prefix}/approval-requests/{request.Id}", ApprovalResponse.From(request));
            })
            .RequirePolicy(Policies.EditAcceptanceCriteria)
            .WithSummary("Proposes new acceptance criteria: applied at once (200, the model) when no version is in Production, else a request for sign-off (201).");

        api.MapGet("/approval-requests", async (string? status, string? box, Guid? modelId, ClaimsPrincipal principal, ApprovalQueries queries, SignOffService signOffs, CancellationToken ct) =>
            {
                var actor = Actor.FromPrincipal(principal);
                IReadOnlyList<ApprovalRequest> list = box switch
                {
                    null or "" or "all" => await queries.ListAsync(ParseStatus(status), modelId, ct: ct),
                    "inbox" => await signOffs.InboxAsync(actor, ct),
                    "mine" => await queries.RequestedByAsync(actor, ct),
                    _ => throw new PortalValidationException($"box is inbox, mine or all, not '{box}'."),
                };
                return list.Select(r => ApprovalResponse.From(r)).ToList();
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Approval requests: box=inbox (waiting for your sign-off), box=mine (you asked), or all (status=Open|Approved|Rejected|Expired|Withdrawn, modelId).");

        api.MapGet("/approval-requests/{id}", async (string id, ClaimsPrincipal principal, ApprovalQueries queries, CancellationToken ct) =>
            {
                var response = await ResponseAsync(queries, id, ct);
                // Role grants are the Administrators' business (the Users page); others do not see who asked for which role.
                if (response.Kind == ApprovalKinds.RoleGrant && !principal.IsInRole(Roles.Administrator))
                    throw new PortalNotFoundException($"No approval request '{id}'.");
                return response;
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A request with its gates and their evidence, the sign-offs it needs and those it has.");

        api.MapPost("/approval-requests/{id}/sign-offs", async (string id, SignOffInput input, ClaimsPrincipal principal, SignOffService signOffs, ApprovalQueries queries, CancellationToken ct) =>
            {
                await signOffs.SignAsync(Actor.FromPrincipal(principal), id, input, ct);
                return await ResponseAsync(queries, id, ct);
            })
            .RequirePolicy(Policies.SignOff)
            .WithSummary("Approves or rejects (approve, comment) with your password or authenticator code again (password or code); role and onBehalfOf when you could count for several.");

        api.MapPost("/approval-requests/{id}/gate-override", async (string id, OverrideBody body, ClaimsPrincipal principal, PromotionRequests promotions, ApprovalQueries queries, CancellationToken ct) =>
            {
                await promotions.OverrideGatesAsync(Actor.FromPrincipal(principal), id, body.Reason, ct);
                return await ResponseAsync(queries, id, ct);
            })
            .RequirePolicy(Policies.OverrideGates)
            .WithSummary("An Administrator lets a request past its failing gates with a written reason (sign-offs are still needed).");

        api.MapPost("/approval-requests/{id}/gates", async (string id, ClaimsPrincipal principal, PromotionRequests promotions, ApprovalQueries queries, CancellationToken ct) =>
            {
                await promotions.RecheckGatesAsync(Actor.FromPrincipal(principal), id, ct);
                return await ResponseAsync(queries, id, ct);
            })
            .RequirePolicy(Policies.RecheckGates)
            .WithSummary("Runs the request's gates again with its policy version (the requester or an Administrator), e.g. after an evaluation or audit.");

        api.MapPost("/approval-requests/{id}/withdraw", async (string id, WithdrawBody body, ClaimsPrincipal principal, PromotionRequests promotions, CancellationToken ct) =>
            {
                await promotions.WithdrawAsync(Actor.FromPrincipal(principal), id, body.Reason, ct);
                return Results.NoContent();
            })
            .RequirePolicy(Policies.RequestPromotions)
            .WithSummary("The requester withdraws an open request.");

        api.MapGet("/approval-policies", async (ApprovalPolicies policies, CancellationToken ct) => await policies.PoliciesAsync(ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The current version of each approval policy, by kind and risk tier.");

        api.MapPut("/approval-policies/{kind}/{tier}", async (string kind, string tier, ApprovalPolicyValues values, ClaimsPrincipal principal, ApprovalPolicies policies, CancellationToken ct) =>
                await policies.SetPolicyAsync(Actor.FromPrincipal(principal), kind, Enum.TryParse<RiskTier>(tier, true, out var t) ? t
                    : throw new PortalValidationException($"'{tier}' is not a risk tier: use Low, Medium, High or Critical."), values, ct))
            .RequirePolicy(Policies.EditApprovalPolicy)
            .WithSummary("Writes the next version of a policy (compliance officers; audited; open requests keep the version they started with).");

        api.MapGet("/delegations", async (ClaimsPrincipal principal, Delegations delegations, CancellationToken ct) =>
                await delegations.DelegationsAsync(Actor.FromPrincipal(principal), ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Delegations you gave or received that have not ended.");

        api.MapPost("/delegations", async (DelegationBody body, ClaimsPrincipal principal, Delegations delegations, CancellationToken ct) =>
            {
                var d = await delegations.DelegateAsync(Actor.FromPrincipal(principal), body.To, body.StartsAt, body.EndsAt, body.Reason, ct);
                return Results.Created($"{PortalApi.Prefix}/delegations/{d.Id}", d);
            })
            .RequirePolicy(Policies.SignOff)
            .WithSummary("Names a delegate who may sign in your stead for a period (at most 90 days); each of their sign-offs records it.");

        api.MapDelete("/delegations/{id:guid}", async (Guid id, ClaimsPrincipal principal, Delegations delegations, CancellationToken ct) =>
            {
                await delegations.RevokeDelegationAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.NoContent();
            })
            .RequirePolicy(Policies.SignOff)
            .WithSummary("Ends a delegation you gave.");

        api.MapGet("/notifications", async (ClaimsPrincipal principal, NotificationCenter notifications, CancellationToken ct) =>
                (await notifications.MineAsync(Actor.FromPrincipal(principal), ct: ct))
                .Select(n => new { n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt, email = n.EmailStatus.ToString() }))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Your notifications, newest first.");
    }

    private static async Task<ApprovalResponse> ResponseAsync(ApprovalQueries queries, string id, CancellationToken ct)
    {
        var view = await queries.GetAsync(id, ct);
        return ApprovalResponse.From(view.Request, view.SignOffs, view.Policy);
    }

    private static ApprovalStatus? ParseStatus(string? status) =>
        string.IsNullOrEmpty(status) ? null
        : Enum.TryParse<ApprovalStatus>(status, true, out var s) ? s
        : throw new PortalValidationException($"'{status}' is not a status: Open, Approved, Rejected, Expired or Withdrawn.");
}
