using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
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

        await PortalBrowserFixture.FillFieldAsync(page, "token-name", "deploy pipeline");
        await page.ClickAsync("[data-testid=create-token]");
        var secret = (await page.Locator("[data-testid=token-secret]").TextContentAsync())!.Trim();
        secret.ShouldStartWith("mlp_");
        await PortalBrowserFixture.ScreenshotAsync(page, "tokens-created");

        using var http = new HttpClient { BaseAddress = portal.Host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await http.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await page.ClickAsync("[data-testid='revoke-deploy pipeline']");
        await PortalBrowserFixture.ConfirmAsync(page, "Revoke");
        await page.WaitForSelectorAsync("[data-testid=tokens-grid] >> text=Revoked");
        (await http.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldCreateAUserShowTheirPasswordAndLockThem_WhenAnAdministratorUsesTheUsersPage()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Administrator));
        await page.GotoAsync("admin/users");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await PortalBrowserFixture.Rows(page, "users-grid").First.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "admin-users");
        // Every action on a user is a named control, never an icon alone.
        (await page.Locator("[data-testid=users-grid] button:not(:has-text('Manage')):not([aria-label])").CountAsync()).ShouldBe(0,
            "a button in the users grid has neither text nor a label");

        await page.ClickAsync("[data-testid=new-user]");
        await PortalBrowserFixture.FillFieldAsync(page, "new-user-email", "grace@e2e.test");
        await PortalBrowserFixture.FillFieldAsync(page, "new-user-name", "Grace Hopper");
        await page.Locator("[data-testid=new-user-roles]").GetByRole(AriaRole.Checkbox, new() { Name = "ML engineer" }).CheckAsync();
        await page.ClickAsync("[data-testid=create-user]");
        var issued = await page.Locator("[data-testid=issued-password] code").TextContentAsync();
        issued!.Trim().Length.ShouldBe(20);
        await PortalBrowserFixture.Rows(page, "users-grid").Filter(new() { HasText = "grace@e2e.test" }).WaitForAsync();

        await page.ClickAsync("[data-testid='manage-grace@e2e.test'] button");
        await page.ClickAsync("[data-testid='lock-grace@e2e.test']");
        await PortalBrowserFixture.ConfirmAsync(page, "Lock");
        await PortalBrowserFixture.Rows(page, "users-grid").Filter(new() { HasText = "grace@e2e.test" }).Filter(new() { HasText = "Locked" }).WaitForAsync();

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
        await PortalBrowserFixture.Rows(page, "audit-grid").First.WaitForAsync();
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

    [Fact]
    public async Task ShouldReadTheTrailAsARecord_WithNamesFieldsAndAFilterThatTheExportKeeps()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        await page.GotoAsync("audit");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var rows = PortalBrowserFixture.Rows(page, "audit-grid");
        await rows.First.WaitForAsync();
        // People and entities by name: no actor string, no GUID, no JSON in the grid.
        var text = await page.Locator("[data-testid=audit-grid] tbody").InnerTextAsync();
        text.Contains("user:", StringComparison.Ordinal).ShouldBeFalse("an actor shows as its audit string");
        // A job's key is "job:GROUP.NAME"; its name in words ("Scheduled job: Expire approval requests") has a space.
        Regex.Matches(text, @"job:\S+").Select(m => m.Value).ShouldBeEmpty("a job shows as its key");
        text.ShouldNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}");
        text.ShouldNotContain("{\"");

        // Only the approvals: the filter narrows the grid and the export link keeps it.
        await PortalBrowserFixture.PickAsync(page, "audit-family", "Approval", exact: true);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=audit-grid] [data-testid=audit-sentence]')].every(s => s.dataset.action.startsWith('approval.'))");
        // Each event is one sentence with names: who did what to which entity.
        var sentence = await page.Locator("[data-testid=audit-grid] [data-testid=audit-sentence][data-action='approval.signed']").First.InnerTextAsync();
        sentence.ShouldMatch("^.+ approved .+ as (ML engineer|Business stakeholder|Compliance officer|Data scientist|Administrator)(, on behalf of .+)?\\.$");
        (await page.GetAttributeAsync("[data-testid=export-csv]", "href"))!.ShouldContain("action=approval");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=export-csv]"));
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Skip(1).ToList();
        lines.ShouldNotBeEmpty();
        var other = lines.FirstOrDefault(l => !l.Split(',')[3].Trim('"').StartsWith("approval.", StringComparison.Ordinal));
        other.ShouldBeNull("the export holds an event the filter leaves out");

        // An event opens to its fields, each in words.
        await rows.First.Locator("button").First.ClickAsync();
        var detail = page.Locator("[data-testid=audit-detail]").First;
        await detail.WaitForAsync();
        (await detail.Locator("tbody th").CountAsync()).ShouldBeGreaterThan(0);
        await PortalBrowserFixture.ScreenshotAsync(page, "audit-trail-filtered");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldRememberDarkModePerUser_WhenTheyTurnItOnAndComeBack()
    {
        const string email = "night@e2e.test";
        await portal.Host.CreateUserAsync(email, Roles.Auditor);
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, email);
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        const string background = "() => getComputedStyle(document.body).backgroundColor";
        var light = await page.EvaluateAsync<string>(background);
        await page.ClickAsync("[data-testid=theme-toggle]");
        await page.WaitForFunctionAsync($"() => ({background})() !== '{light}'");
        var dark = await page.EvaluateAsync<string>(background);
        dark.ShouldBe("rgb(30, 30, 45)");
        await PortalBrowserFixture.ScreenshotAsync(page, "home-dark");

        // Another browser, the same user: the choice came with them (it is stored per user, not per browser).
        var elsewhere = await portal.NewPageAsync();
        await portal.SignInAsync(elsewhere, email);
        await PortalBrowserFixture.WaitForInteractiveAsync(elsewhere);
        (await elsewhere.EvaluateAsync<string>(background)).ShouldBe(dark);
        // Someone else still sees the light theme.
        var other = await portal.NewPageAsync();
        await portal.SignInAsync(other, PortalBrowserFixture.UserFor(Roles.Auditor));
        await PortalBrowserFixture.WaitForInteractiveAsync(other);
        (await other.EvaluateAsync<string>(background)).ShouldBe(light);
        foreach (var p in new[] { page, elsewhere, other }) await p.Context.CloseAsync();
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
