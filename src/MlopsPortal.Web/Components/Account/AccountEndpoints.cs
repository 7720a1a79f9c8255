using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Web.Components.Account;

/// <summary>Endpoints the static Identity pages post to.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");

        account.MapPost("/Logout", async ([FromServices] SignInManager<PortalUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect($"~/Account/Login?ReturnUrl=%2F{Uri.EscapeDataString(returnUrl ?? "")}");
        }).AllowAnonymous();

        // The idle timer in the browser (wwwroot/js/idle-timeout.js) comes here; signing out is harmless to forge.
        account.MapGet("/IdleSignOut", async ([FromServices] SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login?idle=true");
        }).AllowAnonymous();
    }
}
