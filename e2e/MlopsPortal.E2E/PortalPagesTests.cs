using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using MlopsPortal.Core.Security;

namespace MlopsPortal.E2E;

[Collection(PortalCollection.Name)]
public sealed class PortalPagesTests(PortalBrowserFixture portal)
{
    [Fact]
    public async Task ShouldShowATokenOnceThatTheApiAccepts_WhenAUserCreatesAndRevokesIt()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("account/tokens");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=tokens-grid]");
        await page.WaitForSelectorAsync("text=You have no API tokens.");

        await page.FillAsync("[data-testid=token-name] input, input[name=TokenName]", "deploy pipeline");
        await page.ClickAsync("[data-testid=create-token]");
        var secret = (await page.Locator("[data-testid=token-secret]").TextContentAsync())!.Trim();
        secret.ShouldStartWith("mlp_");
        await PortalBrowserFixture.ScreenshotAsync(page, "tokens-created");

        using var http = new HttpClient { BaseAddress = portal.Host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await http.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await page.ClickAsync("[data-testid='revoke-deploy pipeline']");
        await page.ClickAsync(".rz-dialog button:has-text('Revoke')");
        await page.WaitForSelectorAsync("text=revoked");
        (await http.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldCreateAUserShowTheirPasswordAndLockThem_WhenAnAdministratorUsesTheUsersPage()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Administrator));
        await page.GotoAsync("admin/users");
        await page.WaitForSelectorAsync("[data-testid=users-grid] tr.rz-data-row");
        await PortalBrowserFixture.ScreenshotAsync(page, "admin-users");

        await page.ClickAsync("[data-testid=new-user]");
        await page.FillAsync("input[name=Email]", "grace@e2e.test");
        await page.FillAsync("input[name=DisplayName]", "Grace Hopper");
        await page.ClickAsync("[data-testid=new-user-roles] .rz-chkbox >> nth=3"); // ML engineer
        await page.ClickAsync("[data-testid=create-user]");
        var issued = await page.Locator("[data-testid=issued-password] code").TextContentAsync();
        issued!.Trim().Length.ShouldBe(20);
        await page.WaitForSelectorAsync("tr.rz-data-row:has-text('grace@e2e.test')");

        await page.ClickAsync("[data-testid='lock-grace@e2e.test']");
        await page.ClickAsync(".rz-dialog button:has-text('Lock')");
        await page.WaitForSelectorAsync("[data-testid='unlock-grace@e2e.test']");

        // The locked user cannot sign in, with the password they were given.
        var other = await portal.NewPageAsync();
        await portal.SignInAsync(other, "grace@e2e.test", issued.Trim());
        await other.WaitForSelectorAsync("[data-testid=locked-out]");
        await other.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldVerifyTheChainAndListEvents_WhenAnAuditorOpensTheAuditTrail()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        await page.GotoAsync("audit");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=audit-grid] tr.rz-data-row");
        // A click that lands before the circuit is interactive is lost: click until the result shows.
        for (var attempt = 0; ; attempt++)
        {
            await page.ClickAsync("[data-testid=verify-chain]");
            try
            {
                await page.Locator("[data-testid=verify-result]").WaitForAsync(new() { Timeout = 3000 });
                break;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
        var result = await page.Locator("[data-testid=verify-result]").TextContentAsync();
        result!.ShouldContain("Audit trail intact");
        await PortalBrowserFixture.ScreenshotAsync(page, "audit-trail");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=export-csv]"));
        var path = await download.PathAsync();
        var lines = await File.ReadAllLinesAsync(path!);
        lines[0].ShouldBe("sequence,occurredAt,actor,action,entityType,entityId,payload,previousHash,hash");
        lines.Length.ShouldBeGreaterThan(5);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("Account/Login", "phone-login", false)]
    [InlineData("", "phone-home", true)]
    public async Task ShouldFitAPhoneScreen_WhenPagesAreShownAt390PixelsWide(string path, string name, bool signIn)
    {
        var page = await portal.NewPageAsync(390, 844);
        if (signIn)
            await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.ShouldBeLessThanOrEqualTo(0, "the page scrolls sideways on a phone");
        await PortalBrowserFixture.ScreenshotAsync(page, name);
        await page.Context.CloseAsync();
    }
}
