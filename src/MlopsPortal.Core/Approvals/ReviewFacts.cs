using System.Globalization;
using System.Text.Json;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Core.Approvals;

/// <summary>One thing that differs between the Production version and the candidate ("Training data", "v1 (4,000 rows)", "v3 (6,000 rows)").</summary>
public sealed record ReviewChange(string What, string Production, string Candidate);

/// <summary>A training data version as the review names it.</summary>
public sealed record ReviewData(string Dataset, int Version, long Rows)
{
    public override string ToString() => $"{Dataset} v{Version} ({Rows.ToString("N0", CultureInfo.InvariantCulture)} rows)";
}

/// <summary>
/// What a business stakeholder reads beside the criteria: what changed since the Production version, fairness in a
/// sentence with the groups named, and every warning (gate warnings, the fairness verdict, open findings) as a warning.
/// </summary>
public static class ReviewFacts
{
    private static string P(double? v) => v is { } x ? (x * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";
    private static string N(double? v) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "—";

    /// <summary>The differences that decide what a version is: its data, features, hyperparameters and engine.</summary>
    public static IReadOnlyList<ReviewChange> Changes(ModelVersion production, ReviewData? productionData, ModelVersion candidate, ReviewData? candidateData)
    {
        var changes = new List<ReviewChange>();
        if (productionData?.ToString() != candidateData?.ToString())
            changes.Add(new("Training data", productionData?.ToString() ?? "not recorded", candidateData?.ToString() ?? "not recorded"));
        var added = candidate.Features.Except(production.Features).ToList();
        var removed = production.Features.Except(candidate.Features).ToList();
        if (added.Count > 0) changes.Add(new("Features added", "—", string.Join(", ", added)));
        if (removed.Count > 0) changes.Add(new("Features removed", string.Join(", ", removed), "—"));
        foreach (var key in production.Hyperparameters.Keys.Union(candidate.Hyperparameters.Keys).Order(StringComparer.Ordinal))
        {
            var before = production.Hyperparameters.GetValueOrDefault(key);
            var after = candidate.Hyperparameters.GetValueOrDefault(key);
            if (before != after) changes.Add(new($"Hyperparameter {key}", before ?? "not set", after ?? "not set"));
        }
        if (production.Seed != candidate.Seed)
            changes.Add(new("Random seed", production.Seed?.ToString(CultureInfo.InvariantCulture) ?? "—", candidate.Seed?.ToString(CultureInfo.InvariantCulture) ?? "—"));
        var (engineBefore, engineAfter) = ($"{production.Engine} {production.EngineVersion}".Trim(), $"{candidate.Engine} {candidate.EngineVersion}".Trim());
        if (engineBefore != engineAfter) changes.Add(new("Engine", engineBefore, engineAfter));
        if (production.ExternallyTrained != candidate.ExternallyTrained)
            changes.Add(new("Trained", production.ExternallyTrained ? "outside the portal" : "in the portal", candidate.ExternallyTrained ? "outside the portal" : "in the portal"));
        return changes;
    }

    /// <summary>
    /// "By gender: the model selects 10.2 % of female and 9.8 % of male cases (the lowest is 96 % of the highest; the
    /// four-fifths rule holds). Verdict: warning — the true and false positive rates of the groups differ by up to 0.057,
    /// above the 0.05 warning line." One sentence per attribute (at most three), then the verdict and why.
    /// </summary>
    public static string? Fairness(FairnessAuditRecord? audit)
    {
        if (audit is null) return null;
        var report = FairnessService.Read(string.IsNullOrWhiteSpace(audit.Report) ? "{}" : audit.Report);
        var allGroups = report?.Groups ?? [];
        var thresholds = Thresholds(audit.Policy);
        var parts = new List<string>();
        foreach (var attribute in allGroups.Select(g => g.Attribute).Distinct().Take(3))
        {
            var groups = allGroups.Where(g => g.Attribute == attribute && g.SelectionRate is not null).OrderByDescending(g => g.Count).ToList();
            if (groups.Count == 0) continue;
            var named = groups.Count <= 4
                ? Join(groups.Select(g => $"{P(g.SelectionRate)} of {g.Group}{(g.SmallGroup ? " (a small group)" : "")}").ToList())
                : $"from {P(groups.Min(g => g.SelectionRate))} of {groups.MinBy(g => g.SelectionRate)!.Group} to {P(groups.Max(g => g.SelectionRate))} of {groups.MaxBy(g => g.SelectionRate)!.Group}";
            var judged = report?.DisparitiesExcludingSmallGroups?.GetValueOrDefault(attribute) ?? report?.Disparities?.GetValueOrDefault(attribute);
            var impact = judged?.DisparateImpactRatio is { } di
                ? $" (the lowest selection rate is {(di * 100).ToString("0", CultureInfo.InvariantCulture)} % of the highest; the four-fifths rule {(judged.FourFifthsPass == true ? "holds" : "fails")})"
                : "";
            parts.Add($"By {attribute}, the model selects {named}{(groups.Count <= 4 ? " cases" : "")}{impact}.");
        }
        var reasons = report?.DisparitiesExcludingSmallGroups is { } judgedAll ? Reasons(judgedAll, thresholds) : [];
        var verdict = DisplayNames.Of(audit.Verdict ?? "none").ToLowerInvariant();
        parts.Add(reasons.Count == 0 ? $"Verdict: {verdict}." : $"Verdict: {verdict} — {Join(reasons)}.");
        return string.Join(" ", parts);
    }

    /// <summary>Why a verdict is not a pass: each disparity past its warning or failing line.</summary>
    private static List<string> Reasons(IReadOnlyDictionary<string, Disparities> judged, (double DiFail, double DiWarn, double DiffFail, double DiffWarn) t)
    {
        var reasons = new List<string>();
        foreach (var (attribute, d) in judged)
        {
            var past = new List<string>();
            void Check(double? value, bool lowerIsWorse, double fail, double warn, string what)
            {
                if (value is not { } v) return;
                var failing = lowerIsWorse ? v < fail : v > fail;
                var warning = lowerIsWorse ? v < warn : v > warn;
                if (failing || warning)
                    past.Add($"{what} is {N(v)}, {(lowerIsWorse ? "below" : "above")} the {N(failing ? fail : warn)} {(failing ? "failing" : "warning")} line");
            }
            Check(d.DisparateImpactRatio, true, t.DiFail, t.DiWarn, "the disparate impact ratio");
            Check(d.DemographicParityDifference, false, t.DiffFail, t.DiffWarn, "the gap in selection rates");
            Check(d.EqualizedOddsDifference, false, t.DiffFail, t.DiffWarn, "the largest gap in true or false positive rates (equalized odds difference)");
            if (past.Count > 0) reasons.Add($"by {attribute}, {Join(past)}");
        }
        return reasons;
    }

    private static (double, double, double, double) Thresholds(string policy)
    {
        var p = JsonSerializer.Deserialize<JsonElement>(string.IsNullOrWhiteSpace(policy) ? "{}" : policy);
        double Get(string name, double fallback) => p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
        return (Get("disparateImpactFail", 0.8), Get("disparateImpactWarn", 0.9), Get("differenceFail", 0.1), Get("differenceWarn", 0.05));
    }

    private static string Join(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };
}
