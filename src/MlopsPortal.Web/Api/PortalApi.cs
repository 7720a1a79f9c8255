using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Web.Auth;

namespace MlopsPortal.Web.Api;

public sealed record MeResponse(string Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, TokenInfo? Token);
public sealed record TokenInfo(string Id, string Name, string Prefix, bool ReadOnly, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);
public sealed record AnchorRequest(string? Purpose);

/// <summary>/api/v1: authenticated by personal API tokens; errors are RFC 7807 problem details.</summary>
public static class PortalApi
{
    public const string Prefix = "/api/v1";

    public static void MapPortalApi(this IEndpointRouteBuilder app)
    {
        // Errors need no filter here: ApiExceptionHandler and the API's status-code pages answer them (ApiProblems).
        var api = app.MapGroup(Prefix)
            .AddEndpointFilter<ReadOnlyTokenFilter>()
            .WithTags("portal");
        // Read-only tokens are documented as GET/HEAD: every GET answers HEAD too (the server sends no body).
        ((IEndpointConventionBuilder)api).Add(AnswerHeadLikeGet);

        api.MapGet("/me", async (ClaimsPrincipal principal, UserAdminService admin, ApiTokenService tokens, CancellationToken ct) =>
            {
                var actor = Actor.FromPrincipal(principal);
                var user = await admin.FindAsync(actor.UserId!);
                var tokenId = principal.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim);
                var token = tokenId is null ? null : (await tokens.ListAsync(actor, actor.UserId!, ct)).FirstOrDefault(t => t.Id == tokenId);
                return new MeResponse(user.Id, user.UserName!, user.DisplayName, [.. actor.Roles.Order()],
                    token is null ? null : ToInfo(token));
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Who this token belongs to, with the roles it acts with.");

        api.MapGet("/tokens", async (ClaimsPrincipal principal, ApiTokenService tokens, CancellationToken ct) =>
            {
                var actor = Actor.FromPrincipal(principal);
                return (await tokens.ListAsync(actor, actor.UserId!, ct)).Select(ToInfo);
            })
            .RequirePolicy(Policies.ManageOwnTokens)
            .WithSummary("The caller's own API tokens (never their secrets).");

        api.MapDelete("/tokens/{id}", async (string id, ClaimsPrincipal principal, ApiTokenService tokens, CancellationToken ct) =>
            {
                await tokens.RevokeAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.NoContent();
            })
            .RequirePolicy(Policies.ManageOwnTokens)
            .WithSummary("Revokes one of the caller's tokens (Administrators: anyone's).");

        api.MapGet("/users", async (ClaimsPrincipal principal, UserAdminService admin, CancellationToken ct) =>
                await admin.ListAsync(Actor.FromPrincipal(principal), ct))
            .RequirePolicy(Policies.ManageUsers)
            .WithSummary("All users with their roles and lockout state.");

        api.MapGet("/audit/head", async (ClaimsPrincipal principal, AuditTrailService audit, CancellationToken ct) =>
                await audit.HeadAsync(Actor.FromPrincipal(principal), ct))
            .RequirePolicy(Policies.ReadAuditTrail)
            .WithSummary("The chain head (sequence and hash): an anchor to compare later.");

        api.MapGet("/audit/verify", async (long? anchorSequence, string? anchorHash, ClaimsPrincipal principal, AuditTrailService audit, CancellationToken ct) =>
            {
                ChainHead? anchor = anchorSequence is { } s && anchorHash is { } h ? new ChainHead(s, h) : null;
                return await audit.VerifyAsync(Actor.FromPrincipal(principal), anchor, ct);
            })
            .RequirePolicy(Policies.ReadAuditTrail)
            .WithSummary("Walks the whole chain; reports the first broken sequence, if any.");

        api.MapGet("/audit/events", async (long? afterSequence, int? limit, ClaimsPrincipal principal, AuditTrailService audit, CancellationToken ct) =>
            {
                var take = Math.Clamp(limit ?? 100, 1, 1000);
                var after = afterSequence ?? 0;
                return await audit.Query(Actor.FromPrincipal(principal))
                    .Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(take).ToListAsync(ct);
            })
            .RequirePolicy(Policies.ReadAuditTrail)
            .WithSummary("Audit events after a sequence number, oldest first (paged by afterSequence).");

        api.MapPost("/audit/anchors", async (AnchorRequest request, ClaimsPrincipal principal, AuditTrailService audit, CancellationToken ct) =>
            {
                var anchor = await audit.CreateAnchorAsync(Actor.FromPrincipal(principal), request.Purpose ?? "api", ct);
                return Results.Created($"{Prefix}/audit/head", new ChainHead(anchor.Sequence, anchor.Hash));
            })
            .RequirePolicy(Policies.ReadAuditTrail)
            .WithSummary("Records an anchor of the current chain head.");

        api.MapSchedulingApi();
        api.MapRegistryApi();
        api.MapTrainingApi();
        api.MapFairnessApi();
        api.MapApprovalsApi();
        api.MapDriftApi();
        api.MapLineageApi();
        api.MapReportsApi();
        api.MapMonitoringApi();

        app.MapOpenApi($"{Prefix}/openapi.json").AllowAnonymous();
    }

    /// <summary>API endpoints authenticate with API tokens only, so a browser cookie cannot be replayed here.</summary>
    public static RouteHandlerBuilder RequirePolicy(this RouteHandlerBuilder builder, string policy) =>
        builder.RequireAuthorization(new AuthorizeAttribute(policy) { AuthenticationSchemes = ApiTokenAuthenticationHandler.SchemeName });

    private static void AnswerHeadLikeGet(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods
            && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head]));
    }

    private static TokenInfo ToInfo(ApiToken t) =>
        new(t.Id, t.Name, t.Prefix, t.ReadOnly, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>A read-only token may read (GET, HEAD) and nothing else.</summary>
public sealed class ReadOnlyTokenFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.HasClaim(ApiTokenAuthenticationHandler.ReadOnlyClaim, "true")
            && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            throw new PortalForbiddenException("This API token is read-only.");
        return next(context);
    }
}
