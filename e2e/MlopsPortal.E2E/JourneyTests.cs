using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Engine.Reports;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>
/// The three named users' journeys (issue 27), counted in clicks rather than timed: the engineer from home to a resolved
/// alert, the stakeholder from sign-in to a recorded decision, the compliance officer from a version's page to its signed
/// PDF. Typing is not a click; each click goes through <see cref="Clicks"/>, which names it, so a failure lists the path.
/// Each journey works on subjects of its own, so the other tests of the collection see the demo as they expect it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class JourneyTests(PortalBrowserFixture portal)
{
    /// <summary>Counts a journey's clicks, and keeps their names for the failure message.</summary>
    private sealed class Clicks(IPage page)
    {
        public List<string> Steps { get; } = [];
        public int Count => Steps.Count;

        public async Task ClickAsync(string selector, string step)
        {
            await page.Locator(selector).First.ClickAsync();
            Steps.Add(step);
        }

        public async Task ClickAsync(ILocator locator, string step)
        {
            await locator.ClickAsync();
            Steps.Add(step);
        }

        public override string ToString() => string.Join(" → ", Steps);
    }

    private T Get<T>() where T : notnull => portal.Host.Services.GetRequiredService<T>();

    private async Task<Actor> ActorAsync(string role)
    {
        await using var scope = portal.Host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(PortalBrowserFixture.UserFor(role))
                   ?? throw new InvalidOperationException(role);
        return new Actor(user.Id, user.UserName!, new HashSet<string> { role }, false);
    }

    /// <summary>Signs in by the form, counting the one click on "Sign in" (and the authenticator's "Verify").</summary>
    private async Task SignInAsync(IPage page, Clicks clicks, string role)
    {
        var email = PortalBrowserFixture.UserFor(role);
        await page.GotoAsync("Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", PortalTestHost.Password);
        await clicks.ClickAsync("[data-testid=sign-in]", "sign in");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (page.Url.Contains("LoginWith2fa") && portal.TotpKeys.TryGetValue(email, out var key))
        {
            await page.FillAsync("#Input\\.TwoFactorCode", Totp.Code(key));
            await clicks.ClickAsync("[data-testid=verify-code]", "verify the authenticator code");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        await PortalBrowserFixture.WaitForShellAsync(page);
    }

    [Fact]
    public async Task ShouldTakeTheEngineerFromHomeToAResolvedAlert_InAtMost5ClicksOnTheAlertPage()
    {
        // A model of the engineer's, and new data from a county the training data never saw: a drift report raises an alert.
        var (_, trained) = await portal.TrainCompasModelAsync("journey-drift", "compas-journey-drift", "Recidivism (journey)");
        var shifted = (await Get<DatasetService>().AddAsync(Actor.Cli(), new MemoryStream(DriftSamples.NewCountyCsv()), "compas-journey-county")).Version.Id;
        await portal.FinishAsync(await Get<DriftService>().StartReportAsync(await ActorAsync(Roles.MlEngineer),
            new DriftReportRequest("journey-drift", shifted, Guid.Parse(trained.OutputEntityId!))));

        var page = await portal.NewPageAsync(1366, 900);
        var clicks = new Clicks(page);
        await SignInAsync(page, clicks, Roles.MlEngineer);
        // The navigation counts the alerts nobody has acknowledged yet.
        await page.Locator("[data-testid=nav-alert-count]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-engineer-1-home");
        await clicks.ClickAsync(page.Locator("[data-testid=card-alerts] a", new() { HasText = "journey-drift v1" }).First, "open the alert from home");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/alerts/[0-9a-f-]{36}$"));
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        var beforeAlertPage = clicks.Count;

        // The triage workspace: the headline in words, every feature with its test, categories, overlay and trend.
        (await page.InnerTextAsync("[data-testid=alert-title]")).ShouldEndWith("drift on journey-drift v1");
        (await page.Locator("[data-testid=alert-feature-row][data-kind=feature]").CountAsync()).ShouldBeGreaterThanOrEqualTo(4);
        (await page.Locator("[data-testid=alert-feature-row][data-verdict=drift]").CountAsync()).ShouldBeGreaterThanOrEqualTo(3);
        await page.Locator("[data-testid=alert-feature-row] [data-testid=drift-overlay]").First.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-engineer-2-alert");

        await clicks.ClickAsync("[data-testid=acknowledge]", "acknowledge");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Acknowledged" }).WaitForAsync();
        await clicks.ClickAsync("[data-testid=assign-me]", "assign to me");
        await page.Locator("[data-testid=alert-assignee] [data-actor]").WaitForAsync();
        await PortalBrowserFixture.FillFieldAsync(page, "comment-text", "The new county's defendants are older: the shift is real.");
        await clicks.ClickAsync("[data-testid=comment]", "comment");
        await page.Locator("[data-testid=alert-events] li", new() { HasText = "the shift is real" }).WaitForAsync();
        await PortalBrowserFixture.FillFieldAsync(page, "close-reason", "Population change confirmed with the court; retraining scheduled.");
        await clicks.ClickAsync("[data-testid=resolve]", "resolve");
        await page.Locator("[data-testid=alert-status]", new() { HasText = "Resolved" }).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-engineer-3-resolved");

        (clicks.Count - beforeAlertPage).ShouldBeLessThanOrEqualTo(5, $"clicks on the alert page: {clicks}");
        clicks.Count.ShouldBeLessThanOrEqualTo(6, $"clicks from sign-in: {clicks}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldTakeTheStakeholderFromSignInToARecordedDecision_InAtMost4Clicks()
    {
        // A High-tier model with the stakeholder's criteria: v1 in Production, v2 waiting for sign-offs, worse on AUC than v1.
        await using var scope = portal.Host.Services.CreateAsyncScope();
        var approvals = ApprovalCalls.From(scope.ServiceProvider);
        var model = await Get<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = "journey-churn", DisplayName = "Customer churn (journey)", Owners = [PortalBrowserFixture.UserFor(Roles.MlEngineer)], RiskTier = "high",
            Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "churned", PositiveLabel = "yes", FeatureColumns = ["a"], SensitiveAttributes = ["sex"],
            AcceptanceCriteria = [new("auc", ">=", 0.7, Roles.BusinessStakeholder), new("recall", ">=", 0.75, Roles.BusinessStakeholder)],
        });
        var v1 = await ApprovalEvidence.AddVersionAsync(portal.Host.Services, model, 0.84, "pass", "user:trainer@e2e.test");
        var first = await approvals.Promotions.RequestPromotionAsync(await ActorAsync(Roles.DataScientist), new(v1.Id, "Production", "First version."));
        foreach (var role in first.Required.Select(r => r.Role).Distinct())
            await approvals.SignOffs.SignAsync(await ActorAsync(role), first.Id, new(true, "ok", Password: PortalTestHost.Password));
        await using (var db = await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            (await db.ModelVersions.Where(v => v.Id == v1.Id).Select(v => v.Stage).SingleAsync()).ShouldBe(VersionStage.Production);
        // Worse than v1 on AUC by less than the champion gate's tolerance: every gate passes, the review still warns.
        var v2 = await ApprovalEvidence.AddVersionAsync(portal.Host.Services, model, 0.835, "warn", "user:trainer@e2e.test");
        var request = await approvals.Promotions.RequestPromotionAsync(await ActorAsync(Roles.DataScientist), new(v2.Id, "Production", "Retrained on the new quarter."));

        var page = await portal.NewPageAsync(1366, 900);
        var clicks = new Clicks(page);
        await SignInAsync(page, clicks, Roles.BusinessStakeholder);
        var waiting = page.Locator($"[data-testid=home-inbox] li[data-request='{request.Id}']");
        await waiting.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-stakeholder-1-home");
        // Home leads straight to the business review, where the stakeholder signs.
        await clicks.ClickAsync(waiting.Locator("[data-testid=inbox-link]"), "open the business review from home");
        await page.WaitForURLAsync($"**/approvals/{request.Id}/review");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);

        // Decisive: worse than Production on AUC although it passes; the fairness warning and the missing data contract as warnings.
        (await page.Locator("[data-testid=review-criteria] [data-metric=auc]").GetAttributeAsync("data-worse")).ShouldBe("true");
        await page.Locator("[data-testid=worse-than-production]").First.WaitForAsync();
        var warnings = await page.InnerTextAsync("[data-testid=review-warnings]");
        warnings.ShouldContain("data contract", Case.Insensitive);
        (await page.InnerTextAsync("[data-testid=review-changes]")).ShouldContain("What changed since the Production version (v1)");
        await page.Locator("[data-testid=review-fairness]").WaitForAsync();
        (await page.Locator("[data-testid=sign-code]").CountAsync()).ShouldBe(0, "the stakeholder has no authenticator: only the password is asked for");
        await PortalBrowserFixture.FillFieldAsync(page, "sign-comment", "AUC is below Production's but within my criteria; accepted for the new quarter.");
        await PortalBrowserFixture.FillFieldAsync(page, "sign-password", PortalTestHost.Password);
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-stakeholder-2-review");
        await clicks.ClickAsync("[data-testid=approve]", "approve");
        await page.Locator(".mud-snackbar", new() { HasText = "Your approval is recorded." }).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-stakeholder-3-recorded");

        await using (var db = await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
            (await db.SignOffs.CountAsync(s => s.RequestId == request.Id && s.Role == Roles.BusinessStakeholder && s.Approved)).ShouldBe(1);
        clicks.Count.ShouldBeLessThanOrEqualTo(4, $"clicks from sign-in: {clicks}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ShouldTakeTheComplianceOfficerFromAVersionToItsSignedPdf_InAtMost3Clicks()
    {
        Guid versionId;
        await using (var db = await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var model = await db.Models.SingleAsync(m => m.Slug == DemoWorkspace.ModelSlug);
            versionId = await db.ModelVersions.Where(v => v.ModelId == model.Id && v.Number == 1).Select(v => v.Id).SingleAsync();
        }
        var page = await portal.NewPageAsync(1366, 900);
        var signIn = new Clicks(page);
        await SignInAsync(page, signIn, Roles.ComplianceOfficer);
        await page.GotoAsync($"model-versions/{versionId}");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);

        var clicks = new Clicks(page);
        await clicks.ClickAsync("[data-testid=generate-audit-report]", "generate audit report");
        // Progress while the job runs, then the download.
        await page.Locator("[data-testid=report-progress], [data-testid=report-ready]").First.WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-compliance-1-generating");
        await page.Locator("[data-testid=download-ready]").WaitForAsync(new() { Timeout = 120_000 });
        await PortalBrowserFixture.ScreenshotAsync(page, "journey-compliance-2-ready");
        var download = await page.RunAndWaitForDownloadAsync(() => clicks.ClickAsync("[data-testid=download-ready]", "download the PDF"));

        download.SuggestedFilename.ShouldMatch($"^{DemoWorkspace.ModelSlug}-v1-model-audit-\\d{{4}}-\\d{{2}}-\\d{{2}}\\.pdf$");
        var pdf = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var signature = PdfSignature.Check(pdf);
        signature.Valid.ShouldBeTrue(signature.Message);
        signature.CoversWholeFile.ShouldBeTrue();
        clicks.Count.ShouldBeLessThanOrEqualTo(3, $"clicks on the version page: {clicks}");
        await page.Context.CloseAsync();
    }
}
