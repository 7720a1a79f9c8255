using Microsoft.AspNetCore.Authorization;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Auth;

/// <summary>
/// Administrators and compliance officers must use two-factor sign-in: until they have set up an
/// authenticator app, every portal page sends them to the set-up page.
/// </summary>
public sealed class TwoFactorEnrollmentMiddleware(RequestDelegate next)
{
    public const string EnrollPath = "/Account/Manage/EnableAuthenticator";

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        var path = context.Request.Path;
        if (user.Identity?.IsAuthenticated == true
            && user.Identity.AuthenticationType != ApiTokenAuthenticationHandler.SchemeName
            && HttpMethods.IsGet(context.Request.Method)
            && Roles.TwoFactorRequired.Any(user.IsInRole)
            && user.FindFirst(PortalClaimsPrincipalFactory.TwoFactorClaim)?.Value != "true"
            && !IsExempt(path)
            && context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            context.Response.Redirect($"{EnrollPath}?required=true");
            return;
        }
        await next(context);
    }

    /// <summary>
    /// The set-up page itself (under /Account), the circuit it runs in, and the API (tokens, not cookies). Anything anyone
    /// may fetch — every static asset, the health check — is let through by its endpoint's <see cref="IAllowAnonymous"/>.
    /// </summary>
    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments("/Account") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/api");
}
