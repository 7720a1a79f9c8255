using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using MlopsPortal.Engine.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>
/// WCAG 2.1 AA, checked by axe-core on every page of docs/roles.md for every role that may open it (and anonymously where
/// anyone may), on the demo workspace: no critical or serious violation anywhere — and nothing the portal's
/// Content-Security-Policy (script-src 'self', no inline script) had to block.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalBrowserFixture portal)
{
    /// <summary>Pages that exist only in the middle of a sign-in (they redirect to the login page outside it).</summary>
    private static readonly HashSet<string> SignInSteps = ["/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    private static readonly AxeRunOptions Options = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    public static TheoryData<string> Audiences => new(Roles.All.Append(RolesDocument.Anonymous));

    [Theory]
    [MemberData(nameof(Audiences))]
    public async Task ShouldHaveNoCriticalOrSeriousViolation_OnEveryPageTheRoleMayOpen(string role)
    {
        var paths = await PagesAsync(role);
        paths.Count.ShouldBeGreaterThan(role == RolesDocument.Anonymous ? 3 : 25);
        var first = await portal.NewPageAsync();
        if (role != RolesDocument.Anonymous)
            await portal.SignInAsync(first, PortalBrowserFixture.UserFor(role));

        // Three tabs of one signed-in browser share the pages: the portal and Chromium keep both cores busy.
        var tabs = new List<IPage> { first };
        for (var i = 1; i < Tabs; i++) tabs.Add(await first.Context.NewPageAsync());
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(paths);
        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(tabs.Select(async tab =>
        {
            while (queue.TryDequeue(out var path))
                foreach (var problem in await CheckAsync(tab, path))
                    problems.Add(problem);
        }));
        await first.Context.CloseAsync();
        problems.ShouldBeEmpty($"{role} opened {paths.Count} pages:\n" + string.Join("\n", problems.Order()));
    }

    private const int Tabs = 3;

    /// <summary>Opens one page as a person would (its prerendered content, then the live circuit) and lists what is wrong.</summary>
    private static async Task<List<string>> CheckAsync(IPage page, string path)
    {
        var problems = new List<string>();
        await page.GotoAsync(path.TrimStart('/'));
        await page.Locator("h1").First.WaitForAsync();
        // Interactive pages are checked once the circuit has rendered them; the Identity pages are static.
        if (!path.StartsWith("/Account/", StringComparison.Ordinal))
        {
            try
            {
                await page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            }
            catch (TimeoutException)
            {
                problems.Add($"{path}: the page never became interactive (its circuit did not start or failed)");
                return problems;
            }
        }
        foreach (var blocked in await PortalBrowserFixture.CspViolationsAsync(page))
            problems.Add($"{path}: the Content-Security-Policy blocked {blocked}");
        var result = await page.RunAxe(Options);
        foreach (var v in result.Violations.Where(v => v.Impact is "critical" or "serious"))
            problems.Add($"{path}: {v.Impact} {v.Id} — {v.Help} — at {string.Join("; ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}");
        return problems;
    }

    /// <summary>The pages the role may open, with their route parameters filled from the demo workspace.</summary>
    private async Task<List<string>> PagesAsync(string role)
    {
        var ids = await DemoIdsAsync();
        var table = RolesDocument.Load().Table("Page");
        return table.Where(row => row.Value.GetValueOrDefault(role) && !SignInSteps.Contains(row.Key))
            .Select(row => Fill(row.Key, ids)).ToList();
    }

    private static string Fill(string route, IReadOnlyDictionary<string, string> ids)
    {
        var filled = ids.Where(p => route.StartsWith(p.Key, StringComparison.Ordinal)).Select(p => p.Value + route[p.Key.Length..]).FirstOrDefault() ?? route;
        filled = filled.Replace("{Slug}", DemoWorkspace.ModelSlug);
        return filled.Contains('{') ? throw new InvalidOperationException($"No id for the route {route}: add one to {nameof(DemoIdsAsync)}.") : filled;
    }

    private static Dictionary<string, string>? _ids;

    private async Task<IReadOnlyDictionary<string, string>> DemoIdsAsync()
    {
        if (_ids is not null) return _ids;
        await using var db = await portal.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var model = await db.Models.SingleAsync(m => m.Slug == DemoWorkspace.ModelSlug);
        var version = await db.ModelVersions.Where(v => v.ModelId == model.Id).OrderBy(v => v.Number).FirstAsync();
        var request = await db.ApprovalRequests.Where(r => r.Status == ApprovalStatus.Open && r.Kind == ApprovalKinds.Promotion).FirstAsync();
        var report = await db.DriftReports.Where(r => r.ModelId == model.Id).OrderByDescending(r => r.CreatedAt).FirstAsync();
        var scoring = await db.JobRuns.Where(j => j.Kind == ScoreBatchJob.Kind && j.Status == JobRunStatus.Succeeded).OrderBy(j => j.QueuedAt).FirstAsync();
        // The demo scores its first batch with reasons: the provenance page explains its first row, in the signed reason texts.
        var firstApplicant = CreditRiskData.Generate(DemoWorkspace.Batches[0])[0].ApplicantId;
        var dataset = await db.Datasets.OrderBy(d => d.Name).FirstAsync();
        var webhook = (await portal.Get<NotificationCenter>().CreateWebhookAsync(Actor.Cli(),
            new WebhookInput("axe receiver", "https://example.invalid/hook", [.. WebhookEvents.All]))).Webhook;
        return _ids = new Dictionary<string, string>
        {
            ["/runs/{Id:guid}"] = $"/runs/{(await db.TrainingRuns.FirstAsync(r => r.ModelId == model.Id)).Id}",
            ["/model-versions/{Id:guid}"] = $"/model-versions/{version.Id}",
            ["/evaluations/{Id:guid}"] = $"/evaluations/{(await db.ModelEvaluations.FirstAsync(e => e.ModelVersionId == version.Id)).Id}",
            ["/fairness-audits/{Id:guid}"] = $"/fairness-audits/{(await db.FairnessAudits.FirstAsync(a => a.ModelVersionId == version.Id)).Id}",
            ["/approvals/{Id}"] = $"/approvals/{request.Id}",
            ["/admin/webhooks/{Id:guid}"] = $"/admin/webhooks/{webhook.Id}",
            ["/drift-reports/{Id:guid}"] = $"/drift-reports/{report.Id}",
            ["/alerts/{Id:guid}"] = $"/alerts/{(await db.DriftAlerts.FirstAsync(a => a.ModelId == model.Id)).Id}",
            ["/lineage/{Kind}/{Id}"] = $"/lineage/model-version/{version.Id}",
            ["/provenance/{Kind}/{Id}"] = $"/provenance/dataset-version/{scoring.OutputEntityId}?key={firstApplicant}",
            ["/reports/{Id:guid}"] = $"/reports/{(await db.ComplianceReports.FirstAsync()).Id}",
            ["/datasets/versions/{Id:guid}"] = $"/datasets/versions/{report.CurrentDatasetVersionId}",
            ["/datasets/{Name}"] = $"/datasets/{Uri.EscapeDataString(dataset.Name)}",
            ["/jobs/{Id:guid}"] = $"/jobs/{scoring.Id}",
        };
    }
}
