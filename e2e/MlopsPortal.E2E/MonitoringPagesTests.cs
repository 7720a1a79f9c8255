using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>
/// The production loop in the browser: an engineer uploads outcomes that break a signed rollback rule on the live page,
/// and the automatic rollback shows in the stage history, the lineage, the audit trail and the owner's notifications.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class MonitoringPagesTests(PortalBrowserFixture portal)
{
    private async Task StageAsync(Guid version, VersionStage stage)
    {
        await using var db = await portal.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await portal.Get<StageChangeService>().ChangeAsync(db, "cli:e2e", version, stage, "promotion", null, ["e2e"], default);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private Actor Person(string role) => new(portal.Host.Services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Users.PortalUser>>()
        .FindByNameAsync(PortalBrowserFixture.UserFor(role)).Result!.Id, PortalBrowserFixture.UserFor(role), new HashSet<string> { role }, false);

    [Fact]
    public async Task ShouldRollBackAutomatically_WhenUploadedOutcomesBreakASignedRule()
    {
        const string slug = "recid-live-e2e";
        var (data, first) = await portal.TrainCompasModelAsync(slug, "compas-live-e2e", "Recidivism (live)");
        var v1 = Guid.Parse(first.OutputEntityId!);
        var second = await portal.FinishAsync(await portal.Get<TrainingService>().StartRunAsync(Actor.Cli(),
            new TrainingRunRequest(slug, data, new Dictionary<string, string> { ["num_boost_round"] = "25" }, 2)));
        var v2 = Guid.Parse(second.OutputEntityId!);
        await StageAsync(v1, VersionStage.Production);
        await StageAsync(v2, VersionStage.Production);
        await using (var scope = portal.Host.Services.CreateAsyncScope())
        {
            var approvals = ApprovalCalls.From(scope.ServiceProvider);
            var request = await approvals.ModelChanges.ProposeRollbackRulesAsync(Person(Roles.BusinessStakeholder), slug, [new RollbackRule("auc", "<", 0.6, 500)], "Below 0.6 we lose money.");
            (await approvals.SignOffs.SignAsync(Person(Roles.ComplianceOfficer), request.Id, new SignOffInput(true, "agreed", Password: PortalTestHost.Password)))
                .Status.ShouldBe(ApprovalStatus.Approved);
        }
        await portal.FinishAsync(await portal.Get<TrainingService>().StartScoringAsync(Actor.Cli(), v2, data, null));

        // Outcomes that contradict the model (labels flipped), uploaded in the browser.
        var lines = File.ReadLines(Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv")).ToList();
        var header = lines[0].Split(',').ToList();
        int id = header.IndexOf("id"), label = header.IndexOf("two_year_recid");
        var csv = new StringBuilder("id,two_year_recid\n");
        foreach (var c in lines.Skip(1).Take(2000).Select(l => l.Split(','))) csv.Append($"{c[id]},{(c[label] == "1" ? 0 : 1)}\n");
        csv.Append("no-such-id,1\n");
        var file = Path.Combine(Path.GetTempPath(), $"outcomes-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv.ToString());

        var page = await portal.NewPageAsync(1366, 1400);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.MlEngineer));
        await page.GotoAsync($"models/{slug}/live");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=rules-current]").InnerTextAsync()).ShouldContain("live auc < 0.6");
        await PortalBrowserFixture.ChooseFileAsync(page.Locator("[data-testid=upload-input]"), file, () =>
            page.WaitForSelectorAsync("[data-testid=upload-start]:not([disabled])", new() { Timeout = 3000 }));
        await page.ClickAsync("[data-testid=upload-start]");
        var uploads = page.Locator("[data-testid=outcome-uploads] tbody tr");
        await uploads.First.WaitForAsync();
        (await uploads.First.InnerTextAsync()).ShouldContain("2,001");
        (await uploads.First.InnerTextAsync()).ShouldContain("no-such-id");

        // The upload queued the measurement; the rollback lands within the job's run.
        for (var i = 0; i < 300 && !await portal.Get<IDbContextFactory<PortalDbContext>>().CreateDbContext().AutomaticRollbacks.AnyAsync(r => r.FromVersionId == v2); i++)
            await Task.Delay(200);
        await page.ReloadAsync();
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=rollbacks]").InnerTextAsync()).ShouldContain("live auc < 0.6");
        (await page.Locator("[data-testid=live-breach]").First.InnerTextAsync()).ShouldContain("Rollback rule");
        await PortalBrowserFixture.ScreenshotAsync(page, "live-performance-rollback");

        await page.GotoAsync($"models/{slug}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=stage-history]").InnerTextAsync()).ShouldContain("automatic rollback");
        await PortalBrowserFixture.ScreenshotAsync(page, "stage-history-automatic-rollback");

        await page.GotoAsync($"lineage/model-version/{v1}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=lineage-canvas] svg", new() { HasText = "automatic-rollback" }).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "lineage-automatic-rollback");

        await page.GotoAsync("notifications");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=notifications]").InnerTextAsync()).ShouldContain($"{slug} rolled back to v1");

        var auditor = await portal.NewPageAsync(1366, 900);
        await portal.SignInAsync(auditor, PortalBrowserFixture.UserFor(Roles.Auditor));
        await auditor.GotoAsync("audit");
        await PortalBrowserFixture.WaitForInteractiveAsync(auditor);
        await auditor.GetByText("model.rolled-back-automatically").First.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(auditor, "audit-automatic-rollback");
    }

    [Fact]
    public async Task ShouldSpreadTheBatchesByTheirTimes_WhenSeveralWereScoredOnOneDay()
    {
        // The demo scored its three monthly batches within seconds of each other: one day, three times.
        await using (var db = await portal.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var model = await db.Models.SingleAsync(m => m.Slug == DemoWorkspace.ModelSlug);
            var snapshot = (await portal.Get<MonitoringService>().SnapshotsAsync(model.Id)).First();
            snapshot.Batches.Count.ShouldBeGreaterThan(1);
            snapshot.Batches.Select(b => b.ScoredAt.Date).Distinct().Count().ShouldBe(1);
        }
        var page = await portal.NewPageAsync(1366, 900);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.BusinessStakeholder));
        await page.GotoAsync($"models/{DemoWorkspace.ModelSlug}/live");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var chart = page.Locator("[data-testid=live-trend]");
        await chart.Locator("svg").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=live-trend] path.mud-chart-line').length > 0");
        await chart.ScrollIntoViewIfNeededAsync();
        await chart.ScreenshotAsync(new() { Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, "live-trend.png") });
        // Each series' line: its points' x positions (every other number of the path) must differ.
        var series = await page.EvaluateAsync<double[][]>(@"() => [...document.querySelectorAll(
            '[data-testid=live-trend] path.mud-chart-line')]
            .map(p => (p.getAttribute('d').match(/-?\d+(\.\d+)?/g) || []).map(Number).filter((_, i) => i % 2 === 0))");
        var lines = series.Where(xs => xs.Length >= 2).ToList();
        lines.ShouldNotBeEmpty();
        foreach (var xs in lines)
            xs.Distinct().Count().ShouldBe(xs.Length, $"points share an x position: {string.Join(", ", xs)}");
        await page.Context.CloseAsync();
    }
}
