using Microsoft.Playwright;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Security;

namespace MlopsPortal.E2E;

/// <summary>
/// A tour of the demo workspace that the fixture built with the real jobs: each role's home page answers its first
/// question about the credit-risk model, and the portfolio dashboard shows the three metric families with evidence links.
/// Screenshots at 1366×768 and on a phone go to .test-results/screenshots.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class DemoTourTests(PortalBrowserFixture portal)
{
    private async Task<IPage> HomeAsync(string role, int width = 1366, int height = 768)
    {
        var page = await portal.NewPageAsync(width, height);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(role));
        // On a phone the navigation folds away behind the menu button.
        if (width >= 1024) await PortalBrowserFixture.WaitForShellAsync(page);
        else await page.Locator("h1").First.WaitForAsync();
        return page;
    }

    /// <summary>The 1366×768 view, then the whole page (the layout scrolls inside, so a tall viewport shows all of it).</summary>
    private static async Task ScreenshotsAsync(IPage page, string name)
    {
        await PortalBrowserFixture.ScreenshotAsync(page, name);
        await page.SetViewportSizeAsync(1366, 2600);
        await PortalBrowserFixture.ScreenshotAsync(page, name + "-whole");
        await page.SetViewportSizeAsync(1366, 768);
    }

    private static Task<string> TextAsync(IPage page, string testId) => page.Locator($"[data-testid={testId}]").InnerTextAsync();

    [Fact]
    public void ShouldHaveBuiltTheWholeWorkspace_WhenTheFixtureStarted()
    {
        portal.Demo.Built.ShouldBeTrue();
        portal.Demo.Steps.Select(s => s.Name).ShouldBe(
        [
            "Ingested data", "Registered the model", "Trained champion and challenger", "Evaluated and audited both", "Promoted the champion",
            "Signed rollback rules", "Signed reason texts", "Scored three monthly batches", "Recorded outcomes", "Retrained from a drift alert", "Generated a compliance report",
        ]);
    }

    [Fact]
    public async Task ShouldShowTheWaitingRequestAndItsCriteria_WhenTheStakeholderOpensHome()
    {
        var page = await HomeAsync(Roles.BusinessStakeholder);
        var request = page.Locator("[data-testid=home-inbox] li", new() { HasText = $"Promote {DemoWorkspace.ModelSlug} version 3 to Production" });
        await request.WaitForAsync();
        (await request.InnerTextAsync()).ShouldContain("Gates passed");
        (await request.Locator("[data-testid=inbox-criteria]").InnerTextAsync()).ShouldContain("Meets the acceptance criteria: auc");
        (await page.Locator($"[data-testid=card-kpis] li[data-model={DemoWorkspace.ModelSlug}]").CountAsync()).ShouldBe(2);
        await ScreenshotsAsync(page, "tour-home-BusinessStakeholder");

        // The request's link opens its business review; the stakeholder signs there with the keyboard and a toast confirms.
        await request.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/approvals/*/review");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await PortalBrowserFixture.FillFieldAsync(page, "sign-comment", "Meets my criteria on the September holdout.");
        await PortalBrowserFixture.FillFieldAsync(page, "sign-password", Testing.PortalTestHost.Password);
        await page.FocusAsync("[data-testid=approve]");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".mud-snackbar", new() { HasText = "Your approval is recorded." }).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "tour-signed-toast");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowWhatIsOutOfPolicyAndTheReports_WhenTheComplianceOfficerOpensHome()
    {
        var page = await HomeAsync(Roles.ComplianceOfficer);
        (await TextAsync(page, "card-out-of-policy")).ShouldContain($"{DemoWorkspace.ModelSlug} v1");
        (await TextAsync(page, "card-out-of-policy")).ShouldContain("alert open");
        (await TextAsync(page, "card-reports")).ShouldContain($"Model audit report: {DemoWorkspace.ModelSlug} v1");
        (await TextAsync(page, "card-signoffs")).ShouldContain($"Promote {DemoWorkspace.ModelSlug} version 3 to Production");
        await page.Locator("[data-testid=audit-verdict]").WaitForAsync();
        await ScreenshotsAsync(page, "tour-home-ComplianceOfficer");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(Roles.MlEngineer)]
    [InlineData(Roles.DataScientist)]
    public async Task ShouldShowAlertsFailuresAndWhatRunsNext_WhenAnEngineerOpensHome(string role)
    {
        var page = await HomeAsync(role);
        (await TextAsync(page, "card-alerts")).ShouldContain($"{DemoWorkspace.ModelSlug} v1: scores shifted");
        (await page.Locator("[data-testid=card-failures]").IsVisibleAsync()).ShouldBeTrue();
        // A Production version is checked for drift and live performance on schedules of its own.
        (await TextAsync(page, "card-scheduled")).ShouldContain(DemoWorkspace.ModelSlug);
        await ScreenshotsAsync(page, $"tour-home-{role}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldSayTheTrailIsIntactAndWhatChanged_WhenTheAuditorOpensHome()
    {
        var page = await HomeAsync(Roles.Auditor);
        await page.Locator("[data-testid=audit-verdict]").WaitForAsync();
        (await TextAsync(page, "audit-verdict")).ShouldContain("Intact");
        (await page.Locator("[data-testid=card-recent] li").CountAsync()).ShouldBe(8);
        (await page.Locator("[data-testid=card-signoffs]").CountAsync()).ShouldBe(0);
        await ScreenshotsAsync(page, "tour-home-Auditor");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowHealthyWorkersAndAccess_WhenTheAdministratorOpensHome()
    {
        var page = await HomeAsync(Roles.Administrator);
        (await TextAsync(page, "card-workers")).ShouldContain("healthy");
        (await TextAsync(page, "card-admin")).ShouldContain("Business stakeholder:");
        await ScreenshotsAsync(page, "tour-home-Administrator");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowTiersStagesAndTheThreeFamiliesWithEvidence_OnThePortfolio()
    {
        var page = await HomeAsync(Roles.BusinessStakeholder);
        await page.ClickAsync("[data-nav='/portfolio']");
        await page.Locator("[data-testid=tier-stage]").WaitForAsync();
        (await page.Locator("[data-testid=tier-stage] td[data-tier=High][data-stage=Production]").InnerTextAsync()).ShouldContain(DemoWorkspace.ModelSlug);
        (await TextAsync(page, "figure-job-success")).ShouldContain("%");
        (await page.Locator("[data-testid=figure-deployments] a").InnerTextAsync()).ShouldNotBe("—");
        (await page.Locator($"[data-testid=fidelity-table] tr[data-model={DemoWorkspace.ModelSlug}]").InnerTextAsync()).ShouldContain("auc");
        var kpi = page.Locator($"[data-testid=kpi-table] tr[data-model={DemoWorkspace.ModelSlug}][data-metric=auc]");
        (await kpi.InnerTextAsync()).ShouldContain("met");
        await page.Locator($"[data-testid=fidelity-trend][data-model={DemoWorkspace.ModelSlug}] svg").First.WaitForAsync();
        await ScreenshotsAsync(page, "tour-portfolio");

        // A number opens its evidence: the drift share goes to the newest drift report.
        await page.Locator($"[data-testid=fidelity-table] tr[data-model={DemoWorkspace.ModelSlug}] td a").First.ClickAsync();
        await page.WaitForURLAsync("**/drift-reports/*");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(Roles.ComplianceOfficer, "/")]
    [InlineData(Roles.BusinessStakeholder, "/portfolio")]
    public async Task ShouldFitAPhoneWithoutSidewaysScrolling_OnHomeAndPortfolio(string role, string path)
    {
        var page = await HomeAsync(role, 390, 844);
        await page.GotoAsync(path.TrimStart('/'));
        await page.Locator("h1").First.WaitForAsync();
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.ShouldBeLessThanOrEqualTo(0);
        await PortalBrowserFixture.ScreenshotAsync(page, $"tour-phone-{role}{(path == "/" ? "-home" : path.Replace('/', '-'))}");
        await page.Context.CloseAsync();
    }
}
