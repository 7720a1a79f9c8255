using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>A drift report in the browser (verdicts, columns, the histogram) and an alert triaged from the queue to resolved.</summary>
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
        (await page.Locator("[data-testid=dataset-verdict]").InnerTextAsync()).ShouldContain("share that marks the whole dataset as drifted");
        (await page.Locator("[data-testid=dataset-verdict]").GetAttributeAsync("data-drifted")).ShouldBe("true");
        (await page.Locator("[data-testid=drift-columns] [data-verdict=drift]").CountAsync()).ShouldBeGreaterThanOrEqualTo(3);
        await page.Locator("svg.portal-drift-histogram").First.WaitForAsync();
        await page.Locator("[data-testid=prediction-drift]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-report");

        await page.GotoAsync("alerts");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var row = page.Locator("[data-testid=alerts] tbody tr.mud-table-row", new() { HasText = "recid-drift-e2e v1: " }).Filter(new() { HasText = "features drifted (" });
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-alerts");
        await row.Locator("[data-testid=alert-link]").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/alerts/[0-9a-f-]{36}$"));
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=acknowledge]");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Acknowledged" }).WaitForAsync();

        // Assign: a picker of the people who may triage (ML engineers and data scientists), not a free-text box.
        await page.ClickAsync("[data-testid=assignee]");
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync();
        var offered = await page.Locator(".mud-popover-open .mud-list-item").AllInnerTextsAsync();
        offered.ShouldContain(o => o.Contains(PortalBrowserFixture.UserFor(Roles.DataScientist)));
        offered.ShouldContain(o => o.Contains(PortalBrowserFixture.UserFor(Roles.MlEngineer)));
        offered.ShouldNotContain(o => o.Contains(PortalBrowserFixture.UserFor(Roles.BusinessStakeholder)) || o.Contains(PortalBrowserFixture.UserFor(Roles.Auditor)));
        await page.Keyboard.PressAsync("Escape");
        await PortalBrowserFixture.PickAsync(page, "assignee", PortalBrowserFixture.UserFor(Roles.DataScientist));
        await page.ClickAsync("[data-testid=assign]");
        await page.Locator("[data-testid=alert-assignee] [data-actor]", new() { HasText = "scientist" }).WaitForAsync();

        await page.FillAsync("[data-testid=comment-text]", "The new county's defendants are older; expected.");
        await page.ClickAsync("[data-testid=comment]");
        await page.Locator("[data-testid=alert-events] li", new() { HasText = "expected" }).WaitForAsync();
        await page.FillAsync("[data-testid=close-reason]", "Population change confirmed with the court; retraining scheduled.");
        await page.ClickAsync("[data-testid=resolve]");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Resolved" }).WaitForAsync();
        (await page.Locator("[data-testid=alert-events] li").CountAsync()).ShouldBe(4);
        await TrainingPagesTests.ShouldReadWordsNotCodesAsync(page);
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-alert-resolved");
    }

    [Fact]
    public async Task ShouldNameTheDriftedFeaturesAndNewCategories_WithoutContradiction_OnTheDemoAlertAndItsReport()
    {
        await using var db = await portal.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var model = await db.Models.SingleAsync(m => m.Slug == DemoWorkspace.ModelSlug);
        var alert = await db.DriftAlerts.Where(a => a.ModelId == model.Id && a.Cause == "prediction-drift").OrderBy(a => a.RaisedAt).FirstAsync();

        var page = await portal.NewPageAsync(1366, 768);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync($"alerts/{alert.Id}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.InnerTextAsync("[data-testid=alert-title]")).ShouldBe($"Prediction drift on {DemoWorkspace.ModelSlug} v1");
        (await page.InnerTextAsync("[data-testid=alert-summary]")).ShouldStartWith($"{DemoWorkspace.ModelSlug} v1: scores shifted (Wasserstein distance ");
        var features = page.Locator("[data-testid=alert-feature-row][data-kind=feature][data-verdict=drift]");
        (await features.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.column)")).ShouldBe(["income", "region"]);
        (await features.Nth(0).InnerTextAsync()).ShouldContain("Wasserstein distance (normed)");
        (await features.Nth(1).InnerTextAsync()).ShouldContain("1 new category: central");
        (await page.Locator("[data-testid=alert-feature-row][data-kind=prediction]").InnerTextAsync()).ShouldContain("The model's scores");
        (await page.Locator("[data-testid=triage]").CountAsync()).ShouldBe(0, "a stakeholder reads the alert; engineers and scientists triage it");
        await TrainingPagesTests.ShouldReadWordsNotCodesAsync(page);
        await TrainingPagesTests.ShouldFitWithoutSidewaysScrollingAsync(page);

        await page.ClickAsync("[data-testid=alert-report-link]");
        await page.WaitForURLAsync("**/drift-reports/*");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var verdicts = await page.InnerTextAsync("[data-testid=drift-verdicts]");
        verdicts.ShouldContain("Prediction drift: yes — scores shifted");
        verdicts.ShouldContain("Feature drift: 2 of 6 features (below the 50 % share that marks the whole dataset as drifted)");
        verdicts.ShouldNotContain("No dataset drift", Case.Insensitive);
        (await page.InnerTextAsync("[data-testid=drift-columns]")).ShouldContain("1 new category: central");
        await page.Locator("[data-testid=toggle-chart]", new() { HasText = "region" }).ClickAsync();
        await page.Locator("[data-testid=drift-histogram][data-column=region] svg text").First.WaitForAsync();
        var labels = await page.Locator("[data-testid=drift-histogram][data-column=region] svg text").AllTextContentsAsync();
        labels.ShouldBe(["central (new)", "east", "north", "south", "west"]);
        await TrainingPagesTests.ShouldReadWordsNotCodesAsync(page);
        await TrainingPagesTests.ShouldFitWithoutSidewaysScrollingAsync(page);
        await PortalBrowserFixture.ScreenshotAsync(page, "drift-report-demo");

        await page.GotoAsync("alerts");
        await page.Locator("[data-testid=alerts] tbody tr.mud-table-row").First.WaitForAsync();
        await TrainingPagesTests.ShouldReadWordsNotCodesAsync(page);
        await TrainingPagesTests.ShouldFitWithoutSidewaysScrollingAsync(page);
        await page.Context.CloseAsync();
    }
}
