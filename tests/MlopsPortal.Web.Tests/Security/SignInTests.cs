using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Security;

/// <summary>The sign-in pages and account endpoints over plain HTTP: what an attacker can learn or replay.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string WrongPassword = "Wrong-Passw0rd!x";
    private readonly CountingPasswordHasher _hasher = new();
    private PortalTestHost _host = default!;

    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync(configure: b => b.Services.AddScoped<IPasswordHasher<PortalUser>>(sp =>
            _hasher.Wrap(new PasswordHasher<PortalUser>(sp.GetService<IOptions<PasswordHasherOptions>>()))));
        await _host.CreateUserAsync("ada@x.test", Roles.DataScientist);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Counts VerifyHashedPassword calls: the expensive step that made existing accounts slower to refuse.</summary>
    private sealed class CountingPasswordHasher
    {
        private int _verifications;
        public int Verifications => _verifications;

        public IPasswordHasher<PortalUser> Wrap(IPasswordHasher<PortalUser> inner) => new Counting(this, inner);

        private sealed class Counting(CountingPasswordHasher counter, IPasswordHasher<PortalUser> inner) : IPasswordHasher<PortalUser>
        {
            public string HashPassword(PortalUser user, string password) => inner.HashPassword(user, password);

            public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
            {
                Interlocked.Increment(ref counter._verifications);
                return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
            }
        }
    }

    private static async Task<string> StatusMessageAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        var start = html.IndexOf("data-testid=\"status-message\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, html);
        return html[start..html.IndexOf("</", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task ShouldAnswerTheSameSentenceAndHashThePassword_WhenTheAccountIsUnknown()
    {
        using var browser = _host.CreateBrowserSession();
        var known = await StatusMessageAsync(await browser.SignInAsync("ada@x.test", WrongPassword));
        var before = _hasher.Verifications;
        var unknown = await StatusMessageAsync(await browser.SignInAsync("nobody@x.test", WrongPassword));
        unknown.ShouldBe(known);
        unknown.ShouldContain("email or password is wrong");
        // The same work as for a real account, so that the time taken does not tell the two apart.
        (_hasher.Verifications - before).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldLockOutAnUnknownAccountToo_WhenTheWrongPasswordIsGivenFiveTimes()
    {
        foreach (var email in new[] { "ada@x.test", "nobody@x.test" })
        {
            using var browser = _host.CreateBrowserSession();
            for (var i = 0; i < 4; i++)
                (await browser.SignInAsync(email, WrongPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var fifth = await browser.SignInAsync(email, WrongPassword);
            fifth.StatusCode.ShouldBe(HttpStatusCode.Redirect, email);
            fifth.Headers.Location!.ToString().ShouldContain("Account/Lockout", customMessage: email);
        }
    }

    [Fact]
    public async Task ShouldGoHomeAndKeepTheSession_WhenTheReturnUrlIsForeign()
    {
        using var browser = _host.CreateBrowserSession();
        var response = await browser.SignInAsync("ada@x.test", PortalTestHost.Password, "Account/Login?ReturnUrl=https%3A%2F%2Felsewhere%2F");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!;
        (location.IsAbsoluteUri ? location.Host : "localhost").ShouldBe("localhost");
        browser.HasCookie("mlops.auth").ShouldBeTrue();
    }

    private async Task<string> EnableTwoFactorAsync(string email)
    {
        await _host.CreateUserAsync(email, Roles.MlEngineer);
        return await _host.EnableTwoFactorAsync(email);
    }

    private static async Task<HttpResponseMessage> SecondFactorAsync(BrowserSession browser, HttpResponseMessage passwordStep, string code)
    {
        passwordStep.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var url = passwordStep.Headers.Location!.ToString().TrimStart('/');
        url.ShouldContain("LoginWith2fa");
        var (_, token, handler) = await browser.GetFormAsync(url);
        return await browser.PostFormAsync(url, new Dictionary<string, string> { ["Input.TwoFactorCode"] = code }, token, handler);
    }

    [Fact]
    public async Task ShouldAcceptAnAuthenticatorCodeOnce_WhenItIsReplayedInItsWindow()
    {
        var key = await EnableTwoFactorAsync("grace@x.test");
        var code = Totp.Code(key);

        using (var first = _host.CreateBrowserSession())
        {
            var signedIn = await SecondFactorAsync(first, await first.SignInAsync("grace@x.test", PortalTestHost.Password), code);
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
            first.HasCookie("mlops.auth").ShouldBeTrue();
        }
        using var replay = _host.CreateBrowserSession();
        var refused = await SecondFactorAsync(replay, await replay.SignInAsync("grace@x.test", PortalTestHost.Password), code);
        (await StatusMessageAsync(refused)).ShouldContain("code");
        replay.HasCookie("mlops.auth").ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldRefuseACodeAlreadyUsedOrOlder_WhenTheStepUpChecksIt()
    {
        var key = await EnableTwoFactorAsync("hopper@x.test");
        await using var scope = _host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByNameAsync("hopper@x.test"))!;
        var provider = users.Options.Tokens.AuthenticatorTokenProvider;
        var now = DateTimeOffset.UtcNow;

        (await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(key, now))).ShouldBeTrue();
        (await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(key, now))).ShouldBeFalse();
        // A code of an earlier step, still inside the accepted window, must not pass after a later one did.
        (await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(key, now.AddSeconds(-30)))).ShouldBeFalse();
        (await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(key, now.AddSeconds(30)))).ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldAcceptARecoveryCodeOnce_WhenItIsRedeemedTwice()
    {
        await EnableTwoFactorAsync("lovelace@x.test");
        await using var scope = _host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByNameAsync("lovelace@x.test"))!;
        var code = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.First();
        (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded.ShouldBeTrue();
        (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldAnswer400_WhenSignOutFormsComeWithoutTheirToken()
    {
        using var browser = _host.CreateBrowserSession();
        (await browser.SignInAsync("ada@x.test", PortalTestHost.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var logout = await browser.PostFormAsync("Account/Logout", new Dictionary<string, string> { ["ReturnUrl"] = "" }, token: null);
        logout.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var idle = await browser.PostFormAsync("Account/IdleSignOut", new Dictionary<string, string>(), token: null);
        idle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        browser.HasCookie("mlops.auth").ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldSignOutOnlyOnAPostWithItsToken_WhenTheIdleTimerEndsTheSession()
    {
        using var browser = _host.CreateBrowserSession();
        (await browser.SignInAsync("ada@x.test", PortalTestHost.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        // A link anyone can plant must not end the session.
        (await browser.Client.GetAsync("Account/IdleSignOut")).StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
        browser.HasCookie("mlops.auth").ShouldBeTrue();

        var (_, token, _) = await browser.GetFormAsync("account/tokens");
        token.ShouldNotBeNull();
        var idle = await browser.PostFormAsync("Account/IdleSignOut", new Dictionary<string, string>(), token);
        idle.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        idle.Headers.Location!.ToString().ShouldContain("Account/Login?idle=true");
        browser.HasCookie("mlops.auth").ShouldBeFalse();
    }
}
