using System.Globalization;
using MlopsPortal.Core.Display;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// Drift in words, for alert summaries (notifications, the alert queue) and the report page: which features drifted, by
/// how much in the words of the test, and verdicts on the dataset and on the scores that cannot read as a contradiction.
/// </summary>
public static class DriftWords
{
    /// <summary>The test's name in a sentence: "Wasserstein distance", "Kolmogorov–Smirnov p-value".</summary>
    public static string TestShort(string test) => test switch
    {
        "ks" => "Kolmogorov–Smirnov p-value",
        "wassersteinNormed" => "Wasserstein distance",
        "psi" => "population stability index",
        "jensenShannon" => "Jensen–Shannon distance",
        "chiSquare" => "chi-square p-value",
        "zTest" => "Z-test p-value",
        _ => DisplayNames.Of(test),
    };

    /// <summary>A score or threshold with two decimals ("0.26", "0.10"); tiny values keep two significant digits.</summary>
    public static string Score(double? value) => value switch
    {
        null => "—",
        { } v when double.IsPositiveInfinity(v) => "∞",
        { } v when v != 0 && Math.Abs(v) < 0.01 => DisplayNames.Number(v, 2),
        { } v => v.ToString("0.00", CultureInfo.InvariantCulture),
    };

    /// <summary>"income, region" or "a, b, c, d, e and 3 more".</summary>
    public static string Names(IReadOnlyList<string> names, int max = 5) =>
        names.Count <= max ? string.Join(", ", names) : $"{string.Join(", ", names.Take(max))} and {names.Count - max} more";

    /// <summary>"2 of 6 features drifted — income, region" or "no feature of 6 drifted".</summary>
    public static string Features(IReadOnlyList<string> drifted, int judged) =>
        drifted.Count == 0 ? $"none of {judged} features drifted" : $"{drifted.Count} of {judged} features drifted — {Names(drifted)}";

    /// <summary>"credit-risk v1: scores shifted (Wasserstein distance 0.26, threshold 0.10); 2 of 6 features drifted — income, region".</summary>
    public static string PredictionSummary(string model, int version, string test, double? score, double threshold, IReadOnlyList<string> drifted, int judged) =>
        $"{model} v{version}: scores shifted ({TestShort(test)} {Score(score)}, threshold {Score(threshold)}); {Features(drifted, judged)}";

    /// <summary>"credit-risk v1: 4 of 6 features drifted (67 %; the policy counts the dataset as drifted from 50 %) — age, income, …".</summary>
    public static string DatasetSummary(string model, int version, IReadOnlyList<string> drifted, int judged, double share, double threshold) =>
        $"{model} v{version}: {drifted.Count} of {judged} features drifted ({DisplayNames.Percent(share, 0)}; the policy counts the dataset as drifted from {DisplayNames.Percent(threshold, 0)}) — {Names(drifted)}";

    /// <summary>
    /// The dataset-level verdict, said as a count of features against the policy's share, so that "no dataset drift" never
    /// stands beside "prediction drift" as if they contradicted each other.
    /// </summary>
    public static string FeatureVerdict(bool? datasetDrift, int drifted, int judged, double threshold) => datasetDrift switch
    {
        true => $"Feature drift: {drifted} of {judged} features — at least the {DisplayNames.Percent(threshold, 0)} share that marks the whole dataset as drifted",
        false when drifted == 0 => $"Feature drift: none of {judged} features",
        false => $"Feature drift: {drifted} of {judged} features (below the {DisplayNames.Percent(threshold, 0)} share that marks the whole dataset as drifted)",
        null => "Feature drift: no verdict (too few current rows to judge the features)",
    };

    /// <summary>"Prediction drift: yes — scores shifted", "Prediction drift: no — scores stable", or why there is none.</summary>
    public static string PredictionVerdict(bool? drifted) => drifted switch
    {
        true => "Prediction drift: yes — scores shifted",
        false => "Prediction drift: no — scores stable",
        null => "Prediction drift: no verdict (too few scores to judge)",
    };
}
