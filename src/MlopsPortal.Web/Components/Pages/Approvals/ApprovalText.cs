using System.Globalization;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Security;
using MudBlazor;

namespace MlopsPortal.Web.Components.Pages.Approvals;

/// <summary>How approval requests read on the pages: badges, and acceptance criteria in plain language.</summary>
public static class ApprovalText
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-US");

    public static Color StatusColor(ApprovalRequest r) => r.Status switch
    {
        ApprovalStatus.Approved => Color.Success,
        ApprovalStatus.Rejected => Color.Error,
        ApprovalStatus.Expired or ApprovalStatus.Withdrawn => Color.Default,
        _ => r.Blocked ? Color.Error : Color.Info,
    };

    public static string StatusText(ApprovalRequest r) => r.Status == ApprovalStatus.Open
        ? r.Blocked ? "Blocked by a gate" : "Waiting for sign-off"
        : r.Status.ToString();

    public static string Required(IEnumerable<RoleRequirement> required) =>
        string.Join(", ", required.Select(r => r.Count > 1 ? $"{r.Count} × {Roles.Display(r.Role)}" : Roles.Display(r.Role)));

    public static string Comparator(string comparator) => comparator switch
    {
        ">=" => "at least",
        ">" => "more than",
        "<=" => "at most",
        "<" => "less than",
        _ => comparator,
    };

    /// <summary>A number as the sentence shows it: a share as a percentage for rates, else three decimals.</summary>
    public static string Value(string metric, double value) => IsRate(metric)
        ? value.ToString("0.#%", En)
        : value.ToString("0.###", En);

    private static bool IsRate(string metric) => metric is "accuracy" or "precision" or "recall" or "auc";

    /// <summary>
    /// One criterion in a business reader's words, e.g. "The model catches 81% of positive cases; you required at least 75%."
    /// </summary>
    public static string Sentence(string metric, string comparator, double threshold, double? value, string? positiveLabel)
    {
        var cases = string.IsNullOrEmpty(positiveLabel) ? "positive" : $"\"{positiveLabel}\"";
        var required = $"you required {Comparator(comparator)} {Value(metric, threshold)}";
        if (value is not { } v)
            return $"The evaluation could not measure {metric}; {required}.";
        var measured = Value(metric, v);
        var fact = metric switch
        {
            "recall" => $"The model catches {measured} of {cases} cases",
            "precision" => $"When the model flags a case as {cases}, it is right {measured} of the time",
            "accuracy" => $"The model is right on {measured} of cases",
            // AUC: the chance that a randomly chosen positive case is scored above a randomly chosen negative one.
            "auc" => $"A randomly chosen {cases} case gets a higher score than a randomly chosen case that is not {cases} {measured} of the time (AUC)",
            "f1" => $"The model's F1 score, the balance of catching {cases} cases and being right when it flags one, is {measured}",
            "logLoss" => $"The model's log loss (lower is better) is {measured}",
            "brierScore" => $"The model's Brier score, its average squared error on probabilities (lower is better), is {measured}",
            "rmse" => $"The model's typical error (RMSE, lower is better) is {measured}",
            "mae" => $"The model's average absolute error (lower is better) is {measured}",
            "r2" => $"The model explains {measured} of the variation (R²)",
            _ => $"The model's {metric} is {measured}",
        };
        return $"{fact}; {required}.";
    }
}
