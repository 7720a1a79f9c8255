using Bunit;
using Radzen;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Web.Components.Pages.Approvals;

namespace MlopsPortal.Web.Tests.Approvals;

/// <summary>Gates with their evidence (an override in red), and acceptance criteria in a business reader's words.</summary>
public sealed class ApprovalComponentTests : BunitContext
{
    public ApprovalComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

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
    public void ShouldLinkEachGateToItsEvidence_AndMarkTheFailingOne()
    {
        var cut = Render<GateList>(p => p.Add(g => g.Request, Request(passed: false)));
        var failing = cut.Find("[data-gate=acceptance-criteria]");
        failing.GetAttribute("data-passed").ShouldBe("false");
        failing.ClassList.ShouldContain("portal-gate-fail");
        failing.QuerySelector("a")!.GetAttribute("href").ShouldBe("/evaluations/e1");
        failing.TextContent.ShouldContain("auc 0.65 >= 0.7: not met");
        cut.Find("[data-gate=fairness] a").GetAttribute("href").ShouldBe("/fairness-audits/f1");
        cut.FindAll("[data-testid=gate-override]").ShouldBeEmpty();
    }

    [Fact]
    public void ShouldShowAnOverrideInRed_WithWhoAndWhy()
    {
        var cut = Render<GateList>(p => p.Add(g => g.Request, Request(passed: false, overrideBy: "user:admin@x.test")));
        var banner = cut.Find("[data-testid=gate-override]");
        banner.TextContent.ShouldContain("admin@x.test");
        banner.TextContent.ShouldContain("Regulator exception");
        banner.OuterHtml.ShouldContain("danger");
    }

    [Theory]
    [InlineData("recall", ">=", 0.75, 0.81, "fraud", "The model catches 81% of \"fraud\" cases; you required at least 75%.")]
    [InlineData("precision", ">", 0.5, 0.625, null, "When the model flags a case as positive, it is right 62.5% of the time; you required more than 50%.")]
    [InlineData("rmse", "<=", 10.0, 12.5, null, "The model's typical error (RMSE, lower is better) is 12.5; you required at most 10.")]
    [InlineData("f1", ">=", 0.7, null, null, "The evaluation could not measure f1; you required at least 0.7.")]
    public void ShouldSayACriterionInPlainWords(string metric, string comparator, double threshold, double? value, string? positive, string expected) =>
        ApprovalText.Sentence(metric, comparator, threshold, value, positive).ShouldBe(expected);
}
