using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Web.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer mlp_..." with a personal API token. The principal carries the
/// owner's current roles (so a revoked role is revoked for the token too) and, for read-only tokens,
/// the claim that ReadOnlyTokenFilter enforces.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenService tokens, UserManager<PortalUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "mlops:token_id";
    public const string ReadOnlyClaim = "mlops:token_read_only";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var found = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (found is not { } pair)
            return AuthenticateResult.Fail("The API token is unknown, expired or revoked, or its owner is locked out.");

        var (token, user) = pair;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName!),
            new(TokenIdClaim, token.Id),
        };
        if (token.ReadOnly)
            claims.Add(new Claim(ReadOnlyClaim, "true"));
        claims.AddRange((await users.GetRolesAsync(user)).Select(r => new Claim(ClaimTypes.Role, r)));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Api.ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            "Send a personal API token: Authorization: Bearer mlp_… (create one under API tokens).");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await Api.ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden,
            "The token's owner does not hold a role that this endpoint allows (docs/roles.md).");
    }
}
