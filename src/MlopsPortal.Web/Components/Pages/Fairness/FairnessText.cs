using System.Globalization;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Web.Components.Pages.Fairness;

/// <summary>Plain-language sentences for the fairness audit page.</summary>
public static class FairnessText
{
    private static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

    /// <summary>
    /// "Selection rates range from 20.4 % (Other) to 72.7 % (Native American, a small group); …" over every group; the
    /// four-fifths sentence reads <paramref name="judged"/>, the disparities the verdict reads (small groups left out).
    /// </summary>
    public static string Summary(IReadOnlyList<GroupMetrics> groups, Disparities judged)
    {
        static string Name(GroupMetrics g) => g.SmallGroup ? $"{g.Group}, a small group" : g.Group;
        string? Range(string what, Func<GroupMetrics, double?> rate)
        {
            var defined = groups.Where(g => rate(g) is not null).ToList();
            if (defined.Count < 2) return null;
            var low = defined.MinBy(g => rate(g)!.Value)!;
            var high = defined.MaxBy(g => rate(g)!.Value)!;
            return $"{what} range from {P(rate(low)!.Value)} ({Name(low)}) to {P(rate(high)!.Value)} ({Name(high)})";
        }
        if (groups.Count < 2)
            return $"One group only ({groups.FirstOrDefault()?.Group ?? "none"}): there is nothing to compare.";
        var parts = new[] { Range("Selection rates", g => g.SelectionRate), Range("false positive rates", g => g.Fpr), Range("true positive rates", g => g.Tpr) }
            .OfType<string>().ToList();
        var impact = judged.DisparateImpactRatio is { } di
            ? $" Leaving small groups out, the lowest selection rate is {di.ToString("P0", CultureInfo.InvariantCulture)} of the highest, so the four-fifths rule {(judged.FourFifthsPass == true ? "holds" : "fails")}."
            : "";
        return string.Join("; ", parts) + "." + impact;
    }

    public static readonly IReadOnlyList<(string Name, string Definition)> Definitions =
    [
        ("Selection rate", "the share of the group the model predicts positive."),
        ("Demographic parity difference", "the largest selection rate minus the smallest; 0 when every group is selected at the same rate."),
        ("Demographic parity ratio", "the smallest selection rate divided by the largest; 1 when equal."),
        ("Equalized odds difference", "the larger of the gaps in true positive rate and in false positive rate between groups."),
        ("Equalized odds ratio", "the smaller of the two ratios (smallest ÷ largest) of true positive and false positive rates."),
        ("Equal opportunity difference", "the gap between the largest and smallest true positive rate: how differently the groups' real positives are found."),
        ("Disparate impact ratio", "the smallest selection rate divided by the largest (or by the reference group's); the four-fifths rule asks for at least 0.8."),
        ("Intervals", "95 % bootstrap intervals: the audit is repeated on rows drawn with replacement, and the middle 95 % of results is shown."),
    ];
}
