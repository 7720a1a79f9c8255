using MlopsPortal.Core.Drift;

namespace MlopsPortal.Core.Tests.Drift;

/// <summary>Alert summaries and report verdicts in words: the features by name, the test by its name, no contradiction.</summary>
public sealed class DriftWordsTests
{
    [Fact]
    public void ShouldNameTheTestAndTheDriftedFeatures_WhenTheScoresOfAVersionShifted()
    {
        DriftWords.PredictionSummary("credit-risk", 1, "wassersteinNormed", 0.2597, 0.1, ["income", "region"], 6)
            .ShouldBe("credit-risk v1: scores shifted (Wasserstein distance 0.26, threshold 0.10); 2 of 6 features drifted — income, region");
        DriftWords.PredictionSummary("credit-risk", 2, "ks", 0.0004, 0.05, [], 6)
            .ShouldBe("credit-risk v2: scores shifted (Kolmogorov–Smirnov p-value 0.0004, threshold 0.05); none of 6 features drifted");
    }

    [Fact]
    public void ShouldListAtMostFiveFeatures_WhenTheWholeDatasetDrifted()
    {
        var summary = DriftWords.DatasetSummary("recid", 3, ["age", "priors_count", "sex", "juv_fel_count", "c_charge_degree", "race"], 7, 6 / 7.0, 0.5);
        summary.ShouldBe("recid v3: 6 of 7 features drifted (86 %; the policy counts the dataset as drifted from 50 %) — age, priors_count, sex, juv_fel_count, c_charge_degree and 1 more");
        summary.ShouldNotContain("wasserstein", Case.Insensitive);
    }

    [Fact]
    public void ShouldSayTheFeatureCountAgainstThePolicy_AndNeverNoDatasetDrift_WhenOnlyTheScoresShifted()
    {
        var features = DriftWords.FeatureVerdict(false, 2, 6, 0.5);
        features.ShouldBe("Feature drift: 2 of 6 features (below the 50 % share that marks the whole dataset as drifted)");
        features.ShouldNotContain("no dataset drift", Case.Insensitive);
        DriftWords.PredictionVerdict(true).ShouldBe("Prediction drift: yes — scores shifted");
        DriftWords.FeatureVerdict(true, 4, 5, 0.5).ShouldStartWith("Feature drift: 4 of 5 features — at least the 50 % share");
        DriftWords.FeatureVerdict(null, 0, 0, 0.5).ShouldContain("no verdict");
    }
}
