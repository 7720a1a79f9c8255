using Bunit;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Web.Components.Pages.Training;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>The metrics table marks each difference with the champion by the metric's direction; the criteria verdict says it plainly.</summary>
public sealed class EvaluationComponentTests
{
    private static EvaluationResult Classifier(double auc, double logLoss) => new("binaryClassification", 100, 0.5,
        new ClassificationMetrics(auc, 0.8, 0.7, 0.6, 0.65, logLoss, 0.2, new ConfusionMatrix(30, 10, 50, 10), []), null, []);

    [Fact]
    public async Task ShouldMarkAHigherAucAndALowerLogLossAsBetter_WhenComparedWithTheChampion()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.80, 0.40)).Add(t => t.Champion, Classifier(0.75, 0.45)));

        var auc = cut.Find("tr[data-metric=auc] [data-testid=metric-difference]");
        auc.TextContent.ShouldBe("+0.0500 (better)"); // the colour says it, and so do the words (for screen readers)
        auc.ClassList.ShouldContain("portal-better");
        var logLoss = cut.Find("tr[data-metric=logLoss] [data-testid=metric-difference]");
        logLoss.TextContent.ShouldBe("−0.0500 (better)");
        logLoss.ClassList.ShouldContain("portal-better");
        cut.Find("tr[data-metric=accuracy] [data-testid=metric-difference]").TextContent.ShouldBe("±0");
    }

    [Fact]
    public async Task ShouldMarkAWorseChallengerAsWorse_AndShowOneColumnWithoutAChampion()
    {
        await using var ctx = MudContext.Create();
        var worse = ctx.Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.70, 0.50)).Add(t => t.Champion, Classifier(0.75, 0.45)));
        worse.Find("tr[data-metric=auc] [data-testid=metric-difference]").ClassList.ShouldContain("portal-worse");
        worse.Find("tr[data-metric=logLoss] [data-testid=metric-difference]").ClassList.ShouldContain("portal-worse");
        worse.Find("tr[data-metric=auc] [data-testid=metric-difference]").TextContent.ShouldEndWith("(worse)");

        var alone = ctx.Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.70, 0.50)));
        alone.FindAll("[data-testid=metric-difference]").ShouldBeEmpty();
        alone.Find("tr[data-metric=auc]").TextContent.ShouldContain("0.7000");
    }

    [Fact]
    public async Task ShouldShowAFailedCriterionInRed_AndADashForAValueThatCouldNotBeComputed()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<Verdict>(p => p.Add(v => v.Criterion, new CriterionResult("precision", ">=", 0.5, "BusinessStakeholder", null, false)));
        cut.Find("[data-testid=criterion-verdict]").ClassList.ShouldContain("portal-worse");
        cut.Find("[data-testid=criterion-verdict]").TextContent.ShouldContain("✗ fail · —");
        ctx.Render<CriteriaVerdict>(p => p.Add(v => v.Passed, null)).Find("[data-testid=criteria-verdict]").TextContent.ShouldBe("No criteria");
        ctx.Render<CriteriaVerdict>(p => p.Add(v => v.Passed, false).Add(v => v.Count, 2)).Find("[data-testid=criteria-verdict]").TextContent.ShouldContain("Not all criteria met");
    }

    [Fact]
    public void ShouldWriteACriterionInSymbolsAndWords_NotItsCodes()
    {
        TrainingFormat.Criterion("auc", ">=", 0.75).ShouldBe("AUC ≥ 0.75");
        TrainingFormat.Task("binaryClassification").ShouldBe("Binary classification");
        TrainingFormat.EvalMetric("logloss").ShouldBe("Log loss");
    }

    [Fact]
    public async Task ShouldDrawTheRoundsOnRoundTicks_WhenTheLossIsBetweenZeroAndOne()
    {
        await using var ctx = MudContext.Create();
        var rounds = Enumerable.Range(1, 25).Select(r => new TrainingRound { Round = r, Metric = "logloss", Train = 0.6 - r * 0.015, Validation = 0.6 - r * 0.008 }).ToList();
        var cut = ctx.Render<RoundsChart>(p => p.Add(c => c.Rounds, rounds));

        cut.FindAll("[data-testid=rounds-chart] path.portal-chart-line").Count.ShouldBe(2);
        var labels = cut.FindAll("[data-testid=rounds-chart] text").Select(t => t.TextContent).ToList();
        labels.ShouldContain("0.4"); // a fractional axis reads 0.2, 0.3, …, not 0 and 20
        labels.ShouldContain("Log loss");
        labels.ShouldNotContain("-0");
        cut.Find("[data-testid=round-last]").TextContent.ShouldContain("Round 25");
    }
}
