using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.E2E;

[Collection(PortalCollection.Name)]
public sealed class JobsPagesTests(PortalBrowserFixture portal)
{
    [Fact]
    public async Task ShouldShowLiveProgressAndThenHistory_WhenAnEngineerRunsAClusterCheck()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("jobs");
        await PortalBrowserFixture.WaitForShellAsync(page);
        await page.WaitForSelectorAsync("[data-testid=run-cluster-check]");
        await page.ClickAsync("[data-testid=run-cluster-check]");

        // The card appears and its progress bar moves without a reload (the job reports every second).
        var card = page.Locator("[data-testid=active-job]").First;
        await card.Locator("[data-testid=job-progress]").WaitForAsync();
        var first = await ProgressAsync(card);
        var later = first;
        for (var i = 0; i < 30 && later <= first; i++)
        {
            await Task.Delay(1000);
            later = await ProgressAsync(card);
        }
        later.ShouldBeGreaterThan(first, "the progress bar should move while the job runs");
        await card.Locator("[data-testid=job-log]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "jobs-running");

        await page.WaitForSelectorAsync("[data-testid=no-active-jobs]", new() { Timeout = 60_000 });
        await PortalBrowserFixture.OpenTabAsync(page, "History", "[data-testid=history-grid]");
        await page.WaitForSelectorAsync("[data-testid=history-grid] tr.mud-table-row:has-text('Cluster check')");
        (await page.Locator("[data-testid=history-grid] tr.mud-table-row:has-text('Cluster check')").First.TextContentAsync())!.ShouldContain("Succeeded");
        await PortalBrowserFixture.ScreenshotAsync(page, "jobs-history");

        await page.ClickAsync("[data-testid=history-grid] tr.mud-table-row:has-text('Cluster check') a");
        await page.WaitForSelectorAsync("[data-testid=job-facts]");
        (await page.Locator("[data-testid=job-log]").TextContentAsync())!.ShouldContain("Step 20 of 20 done.");
        await PortalBrowserFixture.ScreenshotAsync(page, "job-run");
        await page.Context.CloseAsync();
    }

    /// <summary>The history grid's rows of runs (not its "no runs" or loading row).</summary>
    internal static ILocator HistoryRows(IPage page) => page.Locator("[data-testid=history-grid] tbody tr.mud-table-row")
        .Filter(new() { HasNotTextRegex = new Regex("No records|No runs") });

    /// <summary>Audit strings and ids that people should never read on a page: actors, GUIDs, hex keys.</summary>
    internal static readonly Regex RawIdentifier = new(@"\b(user|job|cli|drift-alert|schedule):\S|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b",
        RegexOptions.IgnoreCase);

    /// <summary>Waits until the grid shows runs and every one of them contains <paramref name="text"/>.</summary>
    private static async Task<IReadOnlyList<string>> RunsEachContainingAsync(IPage page, string text)
    {
        for (var attempt = 0; ; attempt++)
        {
            await HistoryRows(page).First.WaitForAsync();
            var rows = await HistoryRows(page).AllInnerTextsAsync();
            if (rows.Count > 0 && rows.All(r => r.Contains(text))) return rows;
            if (attempt > 40) rows.ShouldAllBe(r => r.Contains(text));
            await Task.Delay(250);
        }
    }

    [Theory]
    [InlineData("jobs?status=Succeeded", "Succeeded")]
    [InlineData("jobs?kind=training", "Training run")]
    public async Task ShouldListPastRuns_WhenTheHistoryOpensFromAFilteredLink(string path, string every)
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync(path);
        await PortalBrowserFixture.WaitForShellAsync(page);
        (await RunsEachContainingAsync(page, every)).Count.ShouldBeGreaterThan(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldListPastRuns_WhenTheHistoryTabOpensAndAfterTheFiltersChange()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("jobs");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await PortalBrowserFixture.OpenTabAsync(page, "History", "[data-testid=history-grid]");
        await HistoryRows(page).Nth(9).WaitForAsync(); // the demo workspace alone ran more than ten jobs

        await PortalBrowserFixture.PickAsync(page, "filter-status", "Succeeded", exact: true);
        await RunsEachContainingAsync(page, "Succeeded");
        await PortalBrowserFixture.PickAsync(page, "filter-kind", "Training run", exact: true);
        var rows = await RunsEachContainingAsync(page, "Training run");
        rows.ShouldAllBe(r => r.Contains("Succeeded"));

        // "Triggered by" finds people by the name the grid shows (the e2e users are named after their e-mail's first part).
        await page.FillAsync("[data-testid=filter-trigger]", "scientist");
        await page.Keyboard.PressAsync("Enter");
        await RunsEachContainingAsync(page, "scientist");
        await PortalBrowserFixture.ScreenshotAsync(page, "jobs-history-filtered");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldNamePeopleJobsAndOutputsInWords_OnTheJobsPages()
    {
        Guid retrained;
        await using (var db = await portal.Host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            retrained = await db.JobRuns.Where(r => r.TriggeredBy.StartsWith("drift-alert:")).Select(r => r.Id).FirstAsync();
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        await page.GotoAsync("jobs?kind=training");
        await PortalBrowserFixture.WaitForShellAsync(page);
        await RunsEachContainingAsync(page, "Training run");
        var history = await page.Locator("[data-testid=history-grid]").InnerTextAsync();
        RawIdentifier.Matches(history).Select(m => m.Value).ShouldBeEmpty();
        history.ShouldContain("Drift alert on credit-risk v1 (scientist)");

        await page.GotoAsync($"jobs/{retrained}");
        await page.Locator("[data-testid=job-facts]").WaitForAsync();
        var facts = await page.Locator("[data-testid=job-facts]").InnerTextAsync();
        RawIdentifier.Matches(facts).Select(m => m.Value).ShouldBeEmpty();
        (await page.Locator("[data-testid=job-output]").InnerTextAsync()).ShouldContain("credit-risk v");
        await page.Context.CloseAsync();
    }

    private static async Task<double> ProgressAsync(ILocator card)
    {
        var bar = card.Locator("[data-testid=job-progress]");
        var value = await bar.GetAttributeAsync("aria-valuenow") ?? await bar.Locator("[aria-valuenow]").First.GetAttributeAsync("aria-valuenow");
        return double.TryParse(value, out var v) ? v : 0;
    }

    [Fact]
    public async Task ShouldPreviewSaveAndPauseARetrainingSchedule_WhenAnEngineerEditsIt()
    {
        await using (var db = await portal.Host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            if (!await db.Models.AnyAsync(m => m.Slug == "credit-risk"))
            {
                var id = Guid.NewGuid();
                db.Models.Add(new Model { Id = id, Slug = "credit-risk", DisplayName = "Credit risk", CreatedBy = "cli:e2e", CreatedAt = DateTime.UtcNow });
                db.Audit("cli:e2e", "model.created", "model", id.ToString());
                await db.SaveChangesAsync();
            }
        }
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync("jobs");
        await PortalBrowserFixture.WaitForShellAsync(page);
        await PortalBrowserFixture.OpenTabAsync(page, "Schedules", "[data-testid=schedules-grid]");
        await page.ClickAsync("[data-testid=new-schedule]");
        await PortalBrowserFixture.PickAsync(page, "schedule-model", "credit-risk", exact: true);

        var cron = page.Locator("[data-testid=schedule-cron]");
        await cron.FillAsync("61 2 * * *");
        await page.WaitForSelectorAsync("[data-testid=schedule-error]");
        (await page.Locator("[data-testid=schedule-save]").IsDisabledAsync()).ShouldBeTrue();
        await cron.FillAsync("30 2 * * 1-5");
        await page.WaitForSelectorAsync("[data-testid=schedule-preview]:has-text('At 02:30, on Monday through Friday')");
        (await page.Locator(".portal-fire-times li").CountAsync()).ShouldBe(5);
        await PortalBrowserFixture.ScreenshotAsync(page, "schedule-editor");
        await page.ClickAsync("[data-testid=schedule-save]");

        var row = page.Locator("[data-testid=schedules-grid] tr.mud-table-row:has-text('Retrain credit-risk')");
        await row.WaitForAsync();
        (await row.TextContentAsync())!.ShouldContain("0 30 2 ? * 2-6");
        await row.Locator("[data-testid=schedule-pause]").ClickAsync();
        await row.Locator("[data-testid=schedule-paused]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "schedules");
        await row.Locator("[data-testid=schedule-resume]").ClickAsync();
        await row.Locator("[data-testid=schedule-pause]").WaitForAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldShowSchedulesWithoutControls_WhenAnAuditorOpensJobs()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Auditor));
        await page.GotoAsync("jobs");
        await PortalBrowserFixture.WaitForShellAsync(page);
        await PortalBrowserFixture.OpenTabAsync(page, "Schedules", "[data-testid=schedules-grid]");
        await page.WaitForSelectorAsync("[data-testid=schedules-grid] tr.mud-table-row:has-text('Apply retention')");
        (await page.Locator("[data-testid=schedule-pause]").CountAsync()).ShouldBe(0);
        (await page.Locator("[data-testid=run-cluster-check]").CountAsync()).ShouldBe(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldListThePortalAsAHealthyNode_WhenTheWorkersPageOpens()
    {
        var page = await portal.NewPageAsync();
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.Administrator));
        await page.GotoAsync("workers");
        var row = page.Locator("[data-testid=workers-grid] tbody tr.mud-table-row").First;
        await row.WaitForAsync();
        (await row.TextContentAsync())!.ShouldContain("portal");
        (await row.Locator("[data-testid=worker-state]").TextContentAsync())!.ShouldContain("Healthy");
        await PortalBrowserFixture.ScreenshotAsync(page, "workers");

        var phone = await portal.NewPageAsync(390, 844);
        await portal.SignInAsync(phone, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await phone.GotoAsync("jobs");
        await phone.WaitForSelectorAsync("[data-testid=jobs-tabs]");
        await PortalBrowserFixture.ScreenshotAsync(phone, "jobs-phone");
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }
}
