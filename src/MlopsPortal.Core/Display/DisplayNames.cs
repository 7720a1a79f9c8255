using System.Globalization;
using System.Text;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Display;

/// <summary>
/// The words people read for the portal's codes: roles, enum values, statistics and metric keys, tasks and tiers.
/// Pages and reports show these, never the raw identifiers (contracts keep the identifiers in JSON and the CLI).
/// </summary>
public static class DisplayNames
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        // Tasks, stages, data types
        ["binaryClassification"] = "Binary classification", ["regression"] = "Regression",
        ["none"] = "No stage",
        // Drift statistics (contracts §5)
        ["ks"] = "Kolmogorov–Smirnov test", ["wassersteinNormed"] = "Wasserstein distance (normed)",
        ["psi"] = "Population stability index", ["jensenShannon"] = "Jensen–Shannon distance",
        ["chiSquare"] = "Chi-square test", ["zTest"] = "Z-test for proportions",
        // Evaluation metrics
        ["auc"] = "AUC", ["accuracy"] = "Accuracy", ["precision"] = "Precision", ["recall"] = "Recall", ["f1"] = "F1 score",
        ["logLoss"] = "Log loss", ["brier"] = "Brier score", ["rmse"] = "RMSE", ["mae"] = "MAE", ["r2"] = "R²",
        ["bandShare"] = "Share of scores inside the band",
        // Fairness disparities (contracts §4)
        ["demographicParityDifference"] = "Demographic parity difference", ["demographicParityRatio"] = "Demographic parity ratio",
        ["equalizedOddsDifference"] = "Equalized odds difference", ["equalizedOddsRatio"] = "Equalized odds ratio",
        ["equalOpportunityDifference"] = "Equal opportunity difference", ["disparateImpactRatio"] = "Disparate impact ratio",
        ["selectionRate"] = "Selection rate", ["tpr"] = "True positive rate", ["fpr"] = "False positive rate",
        ["fnr"] = "False negative rate", ["baseRate"] = "Base rate",
        // Verdicts
        ["pass"] = "Pass", ["warn"] = "Warning", ["fail"] = "Fail", ["insufficient"] = "Not enough data",
    };

    /// <summary>A role's name for people ("Business stakeholder").</summary>
    public static string Role(string role) => Roles.Display(role) is var shown && shown != role ? shown : Words(role);

    /// <summary>An enum value or a camelCase/PascalCase code in words, first letter capital ("NotAvailable" → "Not available").</summary>
    public static string Of<T>(T value) where T : struct, Enum => Of(value.ToString());

    /// <summary>A statistic, metric, task or verdict key in words; unknown codes are split into words.</summary>
    public static string Of(string? code)
    {
        if (string.IsNullOrEmpty(code)) return "—";
        if (Known.TryGetValue(code, out var known)) return known;
        if (Roles.IsKnown(code)) return Role(code);
        return Words(code);
    }

    /// <summary>"BusinessStakeholder", "not-available", "binary_classification" → "Business stakeholder" style words.</summary>
    public static string Words(string code)
    {
        var text = new StringBuilder(code.Length + 8);
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c is '-' or '_' or '.') { text.Append(' '); continue; }
            if (char.IsUpper(c) && i > 0 && (char.IsLower(code[i - 1]) || (i + 1 < code.Length && char.IsLower(code[i + 1]) && char.IsUpper(code[i - 1]))))
                text.Append(' ');
            text.Append(text.Length == 0 ? char.ToUpperInvariant(c) : IsAcronymAt(code, i) ? c : char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>Keeps acronyms such as "GPU" or "ML" in capitals.</summary>
    private static bool IsAcronymAt(string code, int i) =>
        char.IsUpper(code[i]) && ((i + 1 < code.Length && char.IsUpper(code[i + 1])) || (i > 0 && char.IsUpper(code[i - 1]) && (i + 1 == code.Length || !char.IsLower(code[i + 1]))));

    /// <summary>
    /// A number for people: fixed-point (never 1E-05), grouped thousands, at most <paramref name="decimals"/> decimals,
    /// with an optional unit.
    /// </summary>
    public static string Number(double? value, int decimals = 3, string? unit = null)
    {
        if (value is not { } v || double.IsNaN(v)) return "—";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "−∞";
        var abs = Math.Abs(v);
        // Tiny non-zero values keep two significant digits rather than rounding to 0.
        var places = abs is > 0 and < 1 ? Math.Max(decimals, Math.Min(12, (int)Math.Ceiling(-Math.Log10(abs)) + 1)) : decimals;
        var text = v.ToString("#,0." + new string('#', places), CultureInfo.InvariantCulture);
        if (text == "-0") text = "0";
        return unit is null ? text : $"{text} {unit}";
    }

    /// <summary>A share as a percentage ("12.5 %").</summary>
    public static string Percent(double? share, int decimals = 1) =>
        share is { } s && !double.IsNaN(s) ? (s * 100).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>A byte count in KiB, MiB or GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => Number(bytes / 1024.0, 1, "KiB"),
        < 1024L * 1024 * 1024 => Number(bytes / 1048576.0, 1, "MiB"),
        _ => Number(bytes / 1073741824.0, 2, "GiB"),
    };

    /// <summary>"3 minutes ago", "in 2 hours": a time relative to <paramref name="now"/>.</summary>
    public static string Relative(DateTime time, DateTime now)
    {
        var span = now - time;
        var future = span < TimeSpan.Zero;
        var a = future ? -span : span;
        string amount = a.TotalSeconds < 60 ? "less than a minute"
            : a.TotalMinutes < 60 ? Plural((int)a.TotalMinutes, "minute")
            : a.TotalHours < 48 ? Plural((int)a.TotalHours, "hour")
            : a.TotalDays < 60 ? Plural((int)a.TotalDays, "day")
            : a.TotalDays < 730 ? Plural((int)(a.TotalDays / 30.4), "month")
            : Plural((int)(a.TotalDays / 365.25), "year");
        return future ? $"in {amount}" : $"{amount} ago";
    }

    public static string Plural(long count, string noun, string? plural = null) =>
        $"{count:N0} {(count == 1 ? noun : plural ?? noun + "s")}";
}
