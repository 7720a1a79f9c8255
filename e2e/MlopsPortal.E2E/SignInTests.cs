using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;

namespace MlopsPortal.E2E;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalBrowserFixture portal)
{
    public static TheoryData<string, string[]> RoleNavigation => new()
    {
        { Roles.Administrator, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/admin/users", "/admin/notifications", "/admin/webhooks", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage"] },
        { Roles.ComplianceOfficer, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage"] },
        { Roles.BusinessStakeholder, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage"] },
        { Roles.MlEngineer, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage"] },
        { Roles.DataScientist, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage"] },
        { Roles.Auditor, ["/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/tokens", "/Account/Manage"] },
    };

    [Theory]
    [MemberData(nameof(RoleNavigation))]
    public async Task ShouldShowTheRolesHomeAndNavigation_WhenEachRoleSignsIn(string role, string[] navigation)
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(role));
        await PortalBrowserFixture.WaitForShellAsync(page);

        (await page.Locator($"[data-testid=my-roles] [data-role={role}]").CountAsync()).ShouldBe(1);
        var links = await page.Locator("[data-nav]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-nav'))");
        links.ShouldBe(navigation);
        await PortalBrowserFixture.ScreenshotAsync(page, $"home-{role}");

        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync("**/Account/Login**");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldExplainTheRefusal_WhenARoleOpensAPageItMayNotUse()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("admin/users");
        await page.WaitForSelectorAsync("[data-testid=access-denied]");
        (await page.Locator("[data-testid=users-grid]").CountAsync()).ShouldBe(0);
        // The refusal keeps the shell: the navigation is there, and nothing sends people to read a document in the repository.
        (await page.Locator("[data-nav='/models']").CountAsync()).ShouldBe(1);
        (await page.ContentAsync()).ShouldNotContain("docs/roles.md");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowAnErrorAndThenLockTheAccount_WhenThePasswordIsWrongFiveTimes()
    {
        const string email = "victim@e2e.test";
        await portal.Host.CreateUserAsync(email, Roles.DataScientist);
        var page = await portal.NewPageAsync();
        for (var i = 0; i < 4; i++)
        {
            await portal.SignInAsync(page, email, "Wrong-Passw0rd!x");
            (await page.TextContentAsync("[data-testid=status-message]"))!.ShouldContain("email or password is wrong");
        }
        await PortalBrowserFixture.ScreenshotAsync(page, "login-failed");
        await portal.SignInAsync(page, email, "Wrong-Passw0rd!x");
        await page.WaitForSelectorAsync("[data-testid=locked-out]");
        await PortalBrowserFixture.ScreenshotAsync(page, "login-locked-out");

        // Even the right password is refused now.
        await portal.SignInAsync(page, email);
        await page.WaitForSelectorAsync("[data-testid=locked-out]");

        await using var scope = portal.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var actions = await db.AuditEvents.Select(e => e.Actor + " " + e.Action + " " + e.Payload).ToListAsync();
        actions.Count(a => a.StartsWith($"user:{email} user.locked-out")).ShouldBe(1, string.Join("\n", actions));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldRequireAnAuthenticatorApp_WhenAnAdministratorWithoutOneSignsIn()
    {
        const string email = "newadmin@e2e.test";
        await portal.Host.CreateUserAsync(email, Roles.Administrator);
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, email);
        page.Url.ShouldContain("/Account/Manage/EnableAuthenticator");
        await page.WaitForSelectorAsync("[data-testid='2fa-required']");

        // Every other page sends them back here until they have set it up.
        await page.GotoAsync("audit");
        page.Url.ShouldContain("/Account/Manage/EnableAuthenticator");
        // The set-up page is styled: no stylesheet of it was sent to the set-up page instead.
        (await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('link[rel=stylesheet]')]" +
                " .filter(l => { try { return !l.sheet || l.sheet.cssRules.length === 0; } catch { return true; } })" +
                " .map(l => l.getAttribute('href'))"))
            .ShouldBeEmpty("stylesheets that did not load on the set-up page");
        await PortalBrowserFixture.ScreenshotAsync(page, "enable-authenticator");

        var key = (await page.TextContentAsync("[data-testid=shared-key]"))!.Replace(" ", "");
        await page.FillAsync("#Input\\.Code", "000000");
        await page.ClickAsync("[data-testid=verify-2fa]");
        (await page.TextContentAsync("[data-testid=status-message]"))!.ShouldContain("not valid");

        await page.FillAsync("#Input\\.Code", MlopsPortal.Testing.Totp.Code(key));
        await page.ClickAsync("[data-testid=verify-2fa]");
        await page.WaitForSelectorAsync("[data-testid=recovery-codes]");
        (await page.Locator("[data-testid=recovery-codes] code").CountAsync()).ShouldBe(10);

        await page.GotoAsync("audit");
        await page.WaitForSelectorAsync("[data-testid=audit-grid]");
        page.Url.ShouldEndWith("/audit");
        await page.Context.CloseAsync();
    }
}
