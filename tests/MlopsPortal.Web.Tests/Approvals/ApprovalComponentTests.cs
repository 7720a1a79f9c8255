using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Web.Auth;
using MlopsPortal.Web.Components.Pages.Approvals;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Approvals;

/// <summary>
/// Gates with their evidence (an override in red, a gate with nothing to check as a warning), acceptance criteria in a
/// business reader's words beside the Production version, and a sign-off form that asks only for the factor the user has.
/// </summary>
public sealed class ApprovalComponentTests(SqlitePortal portal) : IClassFixture<SqlitePortal>
{
    private static ApprovalRequest Request(bool passed, string? overrideBy = null) => new()
    {
        Id = "r1", Kind = ApprovalKinds.Promotion, GatesPassed = passed, GateOverrideBy = overrideBy, GateOverrideReason = overrideBy is null ? null : "Regulator exception",
        GateOverrideAt = overrideBy is null ? null : new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
        Gates =
        [
            new(PromotionGates.AcceptanceCriteria, passed, passed ? "All 2 criteria met." : "1 of 2 criteria not met.", "evaluation", "e1", ["auc 0.65 >= 0.7: not met"]),
            new(PromotionGates.Fairness, true, "The latest fairness audit passed.", "fairness-audit", "f1"),
        ],
    };

    [Fact]
    public async Task ShouldLinkEachGateToItsEvidence_AndMarkTheFailingOne()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<GateList>(p => p.Add(g => g.Request, Request(passed: false)));
        var failing = cut.Find("[data-gate=acceptance-criteria]");
        failing.GetAttribute("data-passed").ShouldBe("false");
        failing.ClassList.ShouldContain("portal-gate-fail");
        failing.QuerySelector("a")!.GetAttribute("href").ShouldBe("/evaluations/e1");
        failing.TextContent.ShouldContain("auc 0.65 >= 0.7: not met");
        cut.Find("[data-gate=fairness] a").GetAttribute("href").ShouldBe("/fairness-audits/f1");
        cut.FindAll("[data-testid=gate-override]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldShowAnOverrideInRed_WithWhoAndWhy()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<GateList>(p => p.Add(g => g.Request, Request(passed: false, overrideBy: $"user:{SqlitePortal.Email}")));
        var banner = cut.Find("[data-testid=gate-override]");
        cut.WaitForAssertion(() => cut.Find("[data-testid=gate-override]").TextContent.ShouldContain(SqlitePortal.DisplayName));
        banner.TextContent.ShouldContain("Regulator exception");
        banner.ClassList.ShouldContain("mud-alert-text-error");
    }

    [Fact]
    public async Task ShouldShowAGateWithNothingToCheckAsAWarning_NotAsAPass()
    {
        await using var ctx = portal.NewContext();
        var request = Request(passed: true);
        request.Gates.Add(new(PromotionGates.DataContract, true, "The model declares no data contract.") { Warning = true });
        var cut = ctx.Render<GateList>(p => p.Add(g => g.Request, request));
        var contract = cut.Find($"[data-gate={PromotionGates.DataContract}]");
        contract.ClassList.ShouldContain("portal-gate-warn");
        contract.TextContent.ShouldContain("Passed with a warning");
        cut.Find("[data-gate=fairness]").ClassList.ShouldContain("portal-gate-pass");
    }

    [Fact]
    public async Task ShouldWarnWhereTheCandidateIsWorseThanProduction_EvenWhenItMeetsTheCriterion()
    {
        await using var ctx = portal.NewContext();
        var criteria = new List<ReviewCriterion>
        {
            new(new CriterionResult("auc", ">=", 0.75, Roles.BusinessStakeholder, 0.810, true), 0.818),
            new(new CriterionResult("precision", ">=", 0.55, Roles.BusinessStakeholder, 0.70, true), 0.687),
            new(new CriterionResult("logLoss", "<=", 0.6, Roles.BusinessStakeholder, 0.52, true), 0.50),
        };
        var cut = ctx.Render<CriteriaComparison>(p => p.Add(c => c.Criteria, criteria).Add(c => c.ProductionVersion, 1).Add(c => c.PositiveLabel, "1"));

        cut.Find("[data-metric=auc]").GetAttribute("data-worse").ShouldBe("true");
        cut.Find("[data-metric=auc] [data-testid=worse-than-production]").TextContent.ShouldContain("81% against 81.8%");
        cut.Find("[data-metric=auc] [data-testid=criterion-verdict]").TextContent.ShouldBe("Met");
        cut.Find("[data-metric=precision]").GetAttribute("data-worse").ShouldBe("false");
        cut.FindAll("[data-metric=precision] [data-testid=worse-than-production]").ShouldBeEmpty();
        // Lower is better for log loss: 0.52 against 0.50 is worse.
        cut.Find("[data-metric=logLoss]").GetAttribute("data-worse").ShouldBe("true");
        cut.Find("[data-metric=auc] thead").TextContent.ShouldContain("Production (v1)");
    }

    [Fact]
    public async Task ShouldShowWarningsAsWarningsAndWhatChangedSinceProduction_WhenAStakeholderReviews()
    {
        await using var ctx = portal.NewContext();
        var review = new BusinessReview(null, null, 0, 1, true, [])
        {
            ChangedSince = 1,
            Changes = [new ReviewChange("Training data", "credit-applications v1 (4,000 rows)", "credit-applications v3 (6,000 rows)")],
            Fairness = "By gender, the model selects 10.2 % of female and 9.8 % of male. Verdict: warning.",
            Warnings = ["Data contract: The model declares no data contract: nothing checks its inputs, although it is high risk."],
        };
        var cut = ctx.Render<ReviewContext>(p => p.Add(c => c.Review, review));
        var warned = ctx.Render<ReviewWarnings>(p => p.Add(c => c.Review, review));

        var warnings = warned.Find("[data-testid=review-warnings]");
        warnings.ClassList.ShouldContain("mud-alert-text-warning");
        warnings.TextContent.ShouldContain("declares no data contract");
        cut.Find("[data-testid=review-changes] h2").TextContent.ShouldBe("What changed since the Production version (v1)");
        cut.Find("[data-testid=review-change]").TextContent.ShouldContain("credit-applications v3 (6,000 rows)");
        cut.Find("[data-testid=review-fairness]").TextContent.ShouldContain("10.2 % of female and 9.8 % of male");
    }

    [Theory]
    [InlineData(false, "sign-password", "sign-code")]
    [InlineData(true, "sign-code", "sign-password")]
    public async Task ShouldAskOnlyForTheFactorTheSignerHas(bool hasAuthenticator, string shown, string hidden)
    {
        await using var ctx = portal.NewContext();
        await using var scope = portal.Portal.Scope();
        ctx.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<SignOffService>());
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1"), new Claim(ClaimTypes.Name, SqlitePortal.Email),
            new Claim(ClaimTypes.Role, Roles.BusinessStakeholder), new Claim(PortalClaimsPrincipalFactory.TwoFactorClaim, hasAuthenticator ? "true" : "false")], "Test");
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        var cut = ctx.Render<Microsoft.AspNetCore.Components.CascadingValue<Task<AuthenticationState>>>(p => p.Add(c => c.Value, state)
            .AddChildContent<SignOffForm>(f => f.Add(x => x.RequestId, "r1").Add(x => x.Options, [new SigningOption(Roles.BusinessStakeholder, null, null, null)])));

        cut.WaitForAssertion(() => cut.FindAll($"[data-testid={shown}]").Count.ShouldBe(1));
        cut.FindAll($"[data-testid={hidden}]").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("recall", ">=", 0.75, 0.81, "fraud", "The model catches 81% of \"fraud\" cases; you required at least 75%.")]
    [InlineData("precision", ">", 0.5, 0.625, null, "When the model flags a case as positive, it is right 62.5% of the time; you required more than 50%.")]
    [InlineData("rmse", "<=", 10.0, 12.5, null, "The model's typical error (RMSE, lower is better) is 12.5; you required at most 10.")]
    [InlineData("f1", ">=", 0.7, null, null, "The evaluation could not measure f1; you required at least 0.7.")]
    [InlineData("auc", ">=", 0.75, 0.81, "1", "A randomly chosen \"1\" case gets a higher score than a randomly chosen case that is not \"1\" 81% of the time (AUC); you required at least 75%.")]
    public void ShouldSayACriterionInPlainWords(string metric, string comparator, double threshold, double? value, string? positive, string expected) =>
        ApprovalText.Sentence(metric, comparator, threshold, value, positive).ShouldBe(expected);
}
