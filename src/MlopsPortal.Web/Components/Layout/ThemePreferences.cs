using Microsoft.AspNetCore.Identity;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Web.Components.Layout;

/// <summary>
/// Each user's light/dark choice, kept in Identity's per-user token store (AspNetUserTokens, provider "MlopsPortal"):
/// a display preference, not governed state, so it needs no column, no migration and no audit event.
/// </summary>
public sealed class ThemePreferences(IServiceScopeFactory scopes)
{
    private const string Provider = "MlopsPortal";
    private const string Name = "Theme";

    public async Task<bool> IsDarkAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        return user is not null && await users.GetAuthenticationTokenAsync(user, Provider, Name) == "dark";
    }

    public async Task SetDarkAsync(string userId, bool dark)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        await users.SetAuthenticationTokenAsync(user, Provider, Name, dark ? "dark" : "light");
    }
}
