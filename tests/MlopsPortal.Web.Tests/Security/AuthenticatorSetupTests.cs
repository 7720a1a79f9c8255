using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Security;

/// <summary>Opening the authenticator set-up creates a key, which changes the security stamp: the user stays signed in.</summary>
public sealed class AuthenticatorSetupTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;

    // Every request checks the stamp (the portal checks it every minute): what a user who takes a minute to scan meets.
    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync(configure: b =>
            b.Services.PostConfigure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        await _host.CreateUserAsync("sam@x.test", Roles.DataScientist);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ShouldKeepTheUserSignedIn_WhenTheAuthenticatorSetUpCreatesTheirFirstKey()
    {
        using var browser = _host.CreateBrowserSession();
        (await browser.SignInAsync("sam@x.test", PortalTestHost.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var setUp = await browser.Client.GetAsync("Account/Manage/EnableAuthenticator");
        setUp.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await setUp.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"shared-key\"");

        // Back on the set-up page (as after scanning), and on any other page: still signed in, not sent to the login page.
        foreach (var page in new[] { "Account/Manage/EnableAuthenticator", "Account/Manage" })
        {
            var again = await browser.Client.GetAsync(page);
            again.StatusCode.ShouldBe(HttpStatusCode.OK, $"{page} answered {(int)again.StatusCode} {again.Headers.Location}");
        }
    }
}
