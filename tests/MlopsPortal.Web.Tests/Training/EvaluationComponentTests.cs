using Bunit;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Web.Components.Pages.Training;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>The metrics table marks each difference with the champion by the metric's direction; the criteria verdict says it plainly.</summary>
public sealed class EvaluationComponentTests : BunitContext
{
    private static EvaluationResult Classifier(double auc, double logLoss) => new("binaryClassification", 100, 0.5,
        new ClassificationMetrics(auc, 0.8, 0.7, 0.6, 0.65, logLoss, 0.2, new ConfusionMatrix(30, 10, 50, 10), []), null, []);

    [Fact]
    public void ShouldMarkAHigherAucAndALowerLogLossAsBetter_WhenComparedWithTheChampion()
    {
        var cut = Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.80, 0.40)).Add(t => t.Champion, Classifier(0.75, 0.45)));

        var auc = cut.Find("tr[data-metric=auc] [data-testid=metric-difference]");
        auc.TextContent.ShouldBe("+0.0500");
        auc.ClassList.ShouldContain("portal-better");
        var logLoss = cut.Find("tr[data-metric=logLoss] [data-testid=metric-difference]");
        logLoss.TextContent.ShouldBe("−0.0500");
        logLoss.ClassList.ShouldContain("portal-better");
        cut.Find("tr[data-metric=accuracy] [data-testid=metric-difference]").TextContent.ShouldBe("±0");
    }

    [Fact]
    public void ShouldMarkAWorseChallengerAsWorse_AndShowOneColumnWithoutAChampion()
    {
        var worse = Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.70, 0.50)).Add(t => t.Champion, Classifier(0.75, 0.45)));
        worse.Find("tr[data-metric=auc] [data-testid=metric-difference]").ClassList.ShouldContain("portal-worse");
        worse.Find("tr[data-metric=logLoss] [data-testid=metric-difference]").ClassList.ShouldContain("portal-worse");

        var alone = Render<EvaluationMetricsTable>(p => p.Add(t => t.Result, Classifier(0.70, 0.50)));
        alone.FindAll("[data-testid=metric-difference]").ShouldBeEmpty();
        alone.Find("tr[data-metric=auc]").TextContent.ShouldContain("0.7000");
    }

    [Fact]
    public void ShouldShowAFailedCriterionInRed_AndADashForAValueThatCouldNotBeComputed()
    {
        var cut = Render<Verdict>(p => p.Add(v => v.Criterion, new CriterionResult("precision", ">=", 0.5, "BusinessStakeholder", null, false)));
        cut.Find("[data-testid=criterion-verdict]").ClassList.ShouldContain("portal-worse");
        cut.Find("[data-testid=criterion-verdict]").TextContent.ShouldContain("✗ fail · —");
        Render<CriteriaVerdict>(p => p.Add(v => v.Passed, null)).Find("[data-testid=criteria-verdict]").TextContent.ShouldBe("No criteria");
    }
}
