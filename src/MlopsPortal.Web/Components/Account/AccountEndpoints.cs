using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Web.Components.Account;

/// <summary>Endpoints the static Identity pages and the layout post to.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");

        // The layout's sign-out form (with <AntiforgeryToken />, field ReturnUrl).
        account.MapPost("/Logout", async (HttpContext http, [FromServices] SignInManager<PortalUser> signIn) =>
        {
            if (!HasValidToken(http))
                return StaleForm();
            var returnUrl = (await http.Request.ReadFormAsync())["returnUrl"].ToString();
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect($"~/Account/Login?ReturnUrl=%2F{Uri.EscapeDataString(returnUrl)}");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous();

        // The idle timer in the browser (wwwroot/js/idle-timeout.js) posts here with the page's antiforgery token: a POST,
        // so that no link or image on another site can end a session.
        account.MapPost("/IdleSignOut", async (HttpContext http, [FromServices] SignInManager<PortalUser> signIn) =>
        {
            if (!HasValidToken(http))
                return StaleForm();
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login?idle=true");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous();
    }

    /// <summary>UseAntiforgery checked the form's token (RequireAntiforgeryToken metadata) and left its verdict here.</summary>
    private static bool HasValidToken(HttpContext http) => http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true };

    private static IResult StaleForm() => TypedResults.Text(
        "The page's security token is missing or stale, so you were not signed out: reload the page and sign out again.",
        "text/plain", statusCode: StatusCodes.Status400BadRequest);
}
