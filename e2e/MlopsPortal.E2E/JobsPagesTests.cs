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
        await page.WaitForSelectorAsync("[data-testid=history-grid] tr.rz-data-row:has-text('Cluster check')");
        (await page.Locator("[data-testid=history-grid] tr.rz-data-row:has-text('Cluster check')").First.TextContentAsync())!.ShouldContain("Succeeded");
        await PortalBrowserFixture.ScreenshotAsync(page, "jobs-history");

        await page.ClickAsync("[data-testid=history-grid] tr.rz-data-row:has-text('Cluster check') a");
        await page.WaitForSelectorAsync("[data-testid=job-facts]");
        (await page.Locator("[data-testid=job-log]").TextContentAsync())!.ShouldContain("Step 20 of 20 done.");
        await PortalBrowserFixture.ScreenshotAsync(page, "job-run");
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
        await page.ClickAsync("[data-testid=schedule-model]");
        await page.ClickAsync(".rz-dropdown-item:has-text('credit-risk')");

        var cron = page.Locator("[data-testid=schedule-cron]");
        await cron.FillAsync("61 2 * * *");
        await page.WaitForSelectorAsync("[data-testid=schedule-error]");
        (await page.Locator("[data-testid=schedule-save]").IsDisabledAsync()).ShouldBeTrue();
        await cron.FillAsync("30 2 * * 1-5");
        await page.WaitForSelectorAsync("[data-testid=schedule-preview]:has-text('At 02:30, on Monday through Friday')");
        (await page.Locator(".portal-fire-times li").CountAsync()).ShouldBe(5);
        await PortalBrowserFixture.ScreenshotAsync(page, "schedule-editor");
        await page.ClickAsync("[data-testid=schedule-save]");

        var row = page.Locator("[data-testid=schedules-grid] tr.rz-data-row:has-text('Retrain credit-risk')");
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
        await page.WaitForSelectorAsync("[data-testid=schedules-grid] tr.rz-data-row:has-text('Apply retention')");
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
        var row = page.Locator("[data-testid=workers-grid] tr.rz-data-row").First;
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
