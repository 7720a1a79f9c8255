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
    private T Get<T>() where T : notnull => portal.Host.Services.GetRequiredService<T>();

    private async Task<JobRun> FinishAsync(JobRun job)
    {
        for (var i = 0; i < 600 && (await Get<JobService>().GetAsync(job.Id)).IsActive; i++) await Task.Delay(200);
        var done = await Get<JobService>().GetAsync(job.Id);
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        return done;
    }

    [Fact]
    public async Task ShouldShowTheDriftReport_AndTriageItsAlertToResolved()
    {
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv"));
        var data = (await Get<DatasetService>().AddAsync(Actor.Cli(), file, "compas-drift-e2e", "compas-two-years.csv")).Version.Id;
        await Get<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = "recid-drift-e2e", DisplayName = "Recidivism (drift)", Owners = [PortalBrowserFixture.UserFor(Roles.MlEngineer)], RiskTier = "medium",
            Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "two_year_recid", PositiveLabel = "1",
            FeatureColumns = ["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"],
        });
        var trained = await FinishAsync(await Get<TrainingService>().StartRunAsync(Actor.Cli(),
            new TrainingRunRequest("recid-drift-e2e", data, new Dictionary<string, string> { ["num_boost_round"] = "15" }, 1)));
        var shifted = (await Get<DatasetService>().AddAsync(Actor.Cli(), new MemoryStream(DriftSamples.NewCountyCsv()), "compas-new-county")).Version.Id;
        var engineer = new Actor("e2e", PortalBrowserFixture.UserFor(Roles.MlEngineer), new HashSet<string> { Roles.MlEngineer }, false);
        var report = await FinishAsync(await Get<DriftService>().StartReportAsync(engineer,
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
