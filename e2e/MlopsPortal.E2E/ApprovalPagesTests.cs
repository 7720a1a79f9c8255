using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Testing;

namespace MlopsPortal.E2E;

/// <summary>The promotion path in the browser: the engineer asks, the stakeholder approves on their page, compliance approves.</summary>
[Collection(PortalCollection.Name)]
public sealed class ApprovalPagesTests(PortalBrowserFixture portal)
{
    private T Get<T>() where T : notnull => portal.Host.Services.GetRequiredService<T>();

    private async Task<Actor> ActorAsync(string role)
    {
        await using var scope = portal.Host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(PortalBrowserFixture.UserFor(role))
                   ?? throw new InvalidOperationException(role);
        return new Actor(user.Id, user.UserName!, new HashSet<string> { role }, false);
    }

    private async Task<IPage> AsAsync(string role, string path)
    {
        var page = await portal.NewPageAsync(1366, 1300);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(role));
        await page.GotoAsync(path);
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    private async Task<VersionStage> StageAsync(Guid id)
    {
        await using var db = await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.ModelVersions.Where(v => v.Id == id).Select(v => v.Stage).SingleAsync();
    }

    [Fact]
    public async Task ShouldPromoteThroughTheStakeholderAndComplianceSignOffs_AndArchiveTheChampion()
    {
        await using var scope = portal.Host.Services.CreateAsyncScope();
        var approvals = ApprovalCalls.From(scope.ServiceProvider);
        var compliance = await ActorAsync(Roles.ComplianceOfficer);
        var stakeholder = await ActorAsync(Roles.BusinessStakeholder);
        // The compliance officer's policy for this tier: the stakeholder and compliance sign.
        await approvals.Policies.SetPolicyAsync(compliance, ApprovalKinds.Promotion, RiskTier.High,
            new([new(Roles.BusinessStakeholder)], [new(Roles.BusinessStakeholder), new(Roles.ComplianceOfficer)], 14, [.. PromotionGates.All], 0.01));
        var model = await Get<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = "fraud-e2e", DisplayName = "Card fraud", Owners = [PortalBrowserFixture.UserFor(Roles.MlEngineer)], RiskTier = "high",
            Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "fraud", PositiveLabel = "fraud", FeatureColumns = ["a"], SensitiveAttributes = ["sex"],
            AcceptanceCriteria = [new("recall", ">=", 0.75, Roles.BusinessStakeholder), new("auc", ">=", 0.7, Roles.BusinessStakeholder)],
        });
        var v1 = await ApprovalEvidence.AddVersionAsync(portal.Host.Services, model, 0.80, "pass", "user:trainer@e2e.test");
        var first = await approvals.Promotions.RequestPromotionAsync(await ActorAsync(Roles.DataScientist), new(v1.Id, "Production", "First version."));
        await approvals.SignOffs.SignAsync(stakeholder, first.Id, new(true, "ok", Password: PortalTestHost.Password));
        await approvals.SignOffs.SignAsync(compliance, first.Id, new(true, "ok", Password: PortalTestHost.Password));
        (await StageAsync(v1.Id)).ShouldBe(VersionStage.Production);
        var v2 = await ApprovalEvidence.AddVersionAsync(portal.Host.Services, model, 0.82, "pass", "user:trainer@e2e.test");

        // The engineer asks on the version's page; the gates run and the request page shows them.
        var engineer = await AsAsync(Roles.MlEngineer, $"model-versions/{v2.Id}");
        await PortalBrowserFixture.FillFieldAsync(engineer, "promotion-justification", "Catches more fraud on the Q3 holdout.");
        await engineer.ClickAsync("[data-testid=request-promotion]");
        await engineer.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/approvals/[0-9a-f-]{36}$"));
        var requestId = engineer.Url.Split('/').Last();
        await engineer.Locator("[data-testid=gates] [data-gate]").First.WaitForAsync();
        (await engineer.Locator("[data-testid=gates] [data-passed=true]").CountAsync()).ShouldBe(PromotionGates.All.Count);
        (await engineer.Locator("[data-testid=cannot-sign]").InnerTextAsync()).ShouldContain("You made this request");
        (await engineer.Locator("[data-testid=sign-off-form]").CountAsync()).ShouldBe(0, "nobody signs their own request");
        await PortalBrowserFixture.ScreenshotAsync(engineer, "approval-request");

        // The stakeholder sees it waiting, reads the criteria in words, and approves with their password.
        var business = await AsAsync(Roles.BusinessStakeholder, "approvals");
        await business.Locator($"[data-testid=inbox-table] [data-request='{requestId}']").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(business, "approvals-inbox");
        await business.GotoAsync($"approvals/{requestId}/review");
        await PortalBrowserFixture.WaitForInteractiveAsync(business);
        var sentences = await business.Locator("[data-testid=criterion-sentence]").AllInnerTextsAsync();
        sentences.ShouldContain("The model catches 81% of \"fraud\" cases; you required at least 75%.");
        // Beside the version in Production, on the same rows; v2 is better on recall, so no "worse than Production" warning.
        var review = await business.Locator("[data-testid=review-criteria]").InnerTextAsync();
        review.ShouldContain("Production (v1)");
        review.ShouldContain("80%");
        (await business.Locator("[data-testid=review-criteria] [data-metric=recall]").GetAttributeAsync("data-worse")).ShouldBe("false");
        // The stakeholder has no authenticator: the form asks for the password and offers nothing else.
        (await business.Locator("[data-testid=sign-code]").CountAsync()).ShouldBe(0);
        await PortalBrowserFixture.FillFieldAsync(business, "sign-comment", "Recall target met; fine by the fraud team.");
        await PortalBrowserFixture.FillFieldAsync(business, "sign-password", PortalTestHost.Password);
        await PortalBrowserFixture.ScreenshotAsync(business, "stakeholder-review");
        await business.ClickAsync("[data-testid=approve]");
        await business.Locator(".mud-snackbar", new() { HasText = "Your approval is recorded." }).WaitForAsync();
        (await StageAsync(v2.Id)).ShouldBe(VersionStage.None, "compliance has not signed yet");

        // Compliance approves on the request page; the version goes to Production and the champion is archived.
        var officer = await AsAsync(Roles.ComplianceOfficer, $"approvals/{requestId}");
        await PortalBrowserFixture.FillFieldAsync(officer, "sign-comment", "Fairness audit passed; lineage complete.");
        // Compliance signs in with an authenticator: the form asks for its code (a fresh one: a code is good once).
        (await officer.Locator("[data-testid=sign-password]").CountAsync()).ShouldBe(0);
        await PortalBrowserFixture.FillFieldAsync(officer, "sign-code", Totp.Code(portal.TotpKeys[PortalBrowserFixture.UserFor(Roles.ComplianceOfficer)]));
        await officer.ClickAsync("[data-testid=approve]");
        await officer.Locator("[data-testid=request-status]", new() { HasText = "Approved" }).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(officer, "approval-approved");
        (await StageAsync(v2.Id)).ShouldBe(VersionStage.Production);
        (await StageAsync(v1.Id)).ShouldBe(VersionStage.Archived);

        await engineer.GotoAsync($"models/{model.Slug}");
        await engineer.Locator("[data-testid=stage-history] tbody tr").Nth(2).WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(engineer, "stage-history");
    }

    [Fact]
    public async Task ShouldShowThePolicyTable_AndLetOnlyComplianceEditIt()
    {
        var reader = await AsAsync(Roles.Auditor, "approval-policy");
        await reader.Locator("[data-testid=policy-promotion] tr[data-tier=Critical]").WaitForAsync();
        (await reader.Locator("[data-testid=policy-promotion] tr[data-tier=Critical]").InnerTextAsync()).ShouldContain("2 × Compliance officer");
        (await reader.Locator("[data-testid=edit-policy]").CountAsync()).ShouldBe(0);

        var officer = await AsAsync(Roles.ComplianceOfficer, "approval-policy");
        await officer.Locator("[data-testid=policy-rollback] [data-testid=edit-policy]").First.ClickAsync();
        await officer.Locator("[data-testid=policy-editor]").WaitForAsync();
        await PortalBrowserFixture.ScreenshotAsync(officer, "approval-policy");
    }
}
