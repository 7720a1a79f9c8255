using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>A drift report in the browser (verdict, columns, the histogram) and an alert triaged from the queue to resolved.</summary>
[Collection(PortalCollection.Name)]
public sealed class DriftPagesTests(PortalBrowserFixture portal)
{
    [Fact]
    public async Task ShouldShowTheDriftReport_AndTriageItsAlertToResolved()
    {
        var (_, trained) = await portal.TrainCompasModelAsync("recid-drift-e2e", "compas-drift-e2e", "Recidivism (drift)");
        var shifted = (await portal.Get<DatasetService>().AddAsync(Actor.Cli(), new MemoryStream(DriftSamples.NewCountyCsv()), "compas-new-county")).Version.Id;
        var engineer = new Actor("e2e", PortalBrowserFixture.UserFor(Roles.MlEngineer), new HashSet<string> { Roles.MlEngineer }, false);
        var report = await portal.FinishAsync(await portal.Get<DriftService>().StartReportAsync(engineer,
            new DriftReportRequest("recid-drift-e2e", shifted, Guid.Parse(trained.OutputEntityId!))));

        var page = await portal.NewPageAsync(1366, 1300);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync($"drift-reports/{report.Id}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=dataset-verdict]").InnerTextAsync()).ShouldContain("Dataset drift", Case.Insensitive);
        (await page.Locator("[data-testid=drift-columns] tr[data-verdict=drift]").CountAsync()).ShouldBeGreaterThanOrEqualTo(3);
        await page.Locator("svg.portal-drift-histogram").First.WaitForAsync();
        await page.Locator("[data-testid=prediction-drift]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-report");

        await page.GotoAsync("alerts");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var row = page.Locator("[data-testid=alerts] tr[data-alert]", new() { HasText = "columns of recid-drift-e2e drifted" });
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-alerts");
        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/alerts/[0-9a-f-]{36}$"));
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=acknowledge]");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Acknowledged" }).WaitForAsync();
        await page.FillAsync("[data-testid=comment-text]", "The new county's defendants are older; expected.");
        await page.ClickAsync("[data-testid=comment]");
        await page.Locator("[data-testid=alert-events] li", new() { HasText = "expected" }).WaitForAsync();
        await page.FillAsync("[data-testid=close-reason]", "Population change confirmed with the court; retraining scheduled.");
        await page.ClickAsync("[data-testid=resolve]");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Resolved" }).WaitForAsync();
        (await page.Locator("[data-testid=alert-events] li").CountAsync()).ShouldBe(3);
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-alert-resolved");
    }
}
