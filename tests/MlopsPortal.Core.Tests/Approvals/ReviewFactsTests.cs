using System.Text.Json;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Core.Tests.Approvals;

/// <summary>The business review's facts: what changed since Production, and fairness in one sentence with the groups named.</summary>
public sealed class ReviewFactsTests
{
    private static ModelVersion Version(int number, IEnumerable<string> features, Dictionary<string, string> parameters, string engine = "1.7.4") => new()
    {
        Number = number, Features = [.. features], Hyperparameters = parameters, Engine = "xgboost", EngineVersion = engine, Seed = 7,
    };

    [Fact]
    public void ShouldListTheDataFeaturesHyperparametersAndEngine_WhenTheCandidateDiffersFromProduction()
    {
        var production = Version(1, ["age", "income", "region"], new() { ["eta"] = "0.15", ["max_depth"] = "3" });
        var candidate = Version(3, ["age", "income", "debt_ratio"], new() { ["eta"] = "0.1", ["max_depth"] = "3" }, engine: "2.0.0");
        var changes = ReviewFacts.Changes(production, new ReviewData("credit-applications", 1, 4000), candidate, new ReviewData("credit-applications", 3, 6000));

        changes.ShouldBe(
        [
            new ReviewChange("Training data", "credit-applications v1 (4,000 rows)", "credit-applications v3 (6,000 rows)"),
            new ReviewChange("Features added", "—", "debt_ratio"),
            new ReviewChange("Features removed", "region", "—"),
            new ReviewChange("Hyperparameter eta", "0.15", "0.1"),
            new ReviewChange("Engine", "xgboost 1.7.4", "xgboost 2.0.0"),
        ]);
    }

    [Fact]
    public void ShouldListNothing_WhenOnlyTheVersionNumberDiffers()
    {
        var production = Version(1, ["age"], new() { ["eta"] = "0.15" });
        var candidate = Version(2, ["age"], new() { ["eta"] = "0.15" });
        var data = new ReviewData("credit-applications", 1, 4000);
        ReviewFacts.Changes(production, data, candidate, data).ShouldBeEmpty();
    }

    [Fact]
    public void ShouldNameTheGroupsAndSayWhyTheVerdictWarns_WhenTheFairnessAuditWarns()
    {
        var report = new FairnessReport(2000,
        [
            new GroupMetrics("gender", "female", 1000, 0.209, 0.102, 0.34, 0.039, 0.66, 0.696, false, null),
            new GroupMetrics("gender", "male", 1000, 0.164, 0.098, 0.396, 0.039, 0.604, 0.663, false, null),
        ],
            new Dictionary<string, Disparities> { ["gender"] = new(0.004, 0.961, 0.057, 0.86, 0.057, 0.961, true) },
            new Dictionary<string, Disparities> { ["gender"] = new(0.004, 0.961, 0.057, 0.86, 0.057, 0.961, true) }, "warn");
        var audit = new FairnessAuditRecord
        {
            Report = JsonSerializer.Serialize(report, TrainingJson.Options), Verdict = "warn",
            Policy = "{\"disparateImpactFail\":0.8,\"disparateImpactWarn\":0.9,\"differenceFail\":0.1,\"differenceWarn\":0.05}",
        };

        ReviewFacts.Fairness(audit).ShouldBe(
            "By gender, the model selects 10.2 % of female and 9.8 % of male cases (the lowest selection rate is 96 % of the highest; the four-fifths rule holds). "
            + "Verdict: warning — by gender, the largest gap in true or false positive rates (equalized odds difference) is 0.057, above the 0.05 warning line.");
        ReviewFacts.Fairness(null).ShouldBeNull();
    }
}
