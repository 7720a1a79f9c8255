using System.Globalization;
using System.Text.Json;
using MlopsPortal.Core.Display;

namespace MlopsPortal.Web.Components.Pages.Drift;

/// <summary>One statistic of a column as people read it: its name in words and its value (with the p-value for tests).</summary>
public sealed record DriftStatistic(string Key, string Name, string Value);

/// <summary>One bar of a histogram: a category or a numeric bin, with its reference and current shares.</summary>
public sealed record DriftBin(string Label, string Detail, double Reference, double Current, bool IsNew = false, bool IsGone = false,
    double? From = null, double? To = null)
{
    /// <summary>The label under the bar: a category with "(new)" or "(gone)" when only one side has it.</summary>
    public string Shown => IsNew ? $"{Label} (new)" : IsGone ? $"{Label} (gone)" : Label;
}

/// <summary>One compared column (or the model's scores) of a drift report, read from the engine's JSON (contracts §5).</summary>
public sealed record DriftColumnView(
    string Name, string Type, string Test, double? Score, double Threshold, string ThresholdMeaning, bool? Drifted,
    IReadOnlyList<DriftStatistic> Statistics, int RowsReference, int RowsCurrent, double MissingReference, double MissingCurrent,
    long OutOfRange, IReadOnlyList<string> NewCategories, IReadOnlyList<string> GoneCategories, IReadOnlyList<DriftBin> Bins)
{
    public string TestName => DriftReportView.TestName(Test);

    public string Verdict => Drifted switch { true => "Drifted", false => "No drift", null => "Not enough data" };

    /// <summary>"drift", "no drift", "insufficient": the verdict as a stable value for styles and tests.</summary>
    public string VerdictKey => Drifted switch { true => "drift", false => "no drift", null => "insufficient" };
}

/// <summary>A drift report's JSON as the report and alert pages show it.</summary>
public sealed record DriftReportView(
    IReadOnlyList<DriftColumnView> Columns, DriftColumnView? Prediction, string? PredictionNote, double DriftedShareThreshold,
    IReadOnlyList<string> SchemaProblems)
{
    public IReadOnlyList<DriftColumnView> DriftedColumns => [.. Columns.Where(c => c.Drifted == true)];

    public static DriftReportView Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        var columns = root.GetProperty("columns").EnumerateArray()
            .Where(c => !(c.TryGetProperty("skipped", out var s) && s.ValueKind == JsonValueKind.True)).Select(Read).ToList();
        var prediction = root.TryGetProperty("prediction", out var p) && p.ValueKind == JsonValueKind.Object ? Read(p) : null;
        var note = root.TryGetProperty("predictionNote", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var schema = new List<string>();
        if (root.TryGetProperty("missingInCurrent", out var missing) && missing.ValueKind == JsonValueKind.Array)
            schema.AddRange(missing.EnumerateArray().Select(m => $"{m.GetString()} is missing from the current data"));
        if (root.TryGetProperty("typeViolations", out var violations) && violations.ValueKind == JsonValueKind.Object)
            schema.AddRange(violations.EnumerateObject().Select(v => $"{DisplayNames.Plural(v.Value.GetInt64(), "value")} of {v.Name} are not numbers"));
        return new(columns, prediction, note, root.GetProperty("driftedShareThreshold").GetDouble(), schema);
    }

    private static double? D(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble()
        : e.ValueKind == JsonValueKind.String && e.GetString() == "Infinity" ? double.PositiveInfinity : null;

    private static DriftColumnView Read(JsonElement c)
    {
        var statistics = new List<DriftStatistic>();
        foreach (var s in c.GetProperty("statistics").EnumerateObject())
        {
            if (s.Value.ValueKind == JsonValueKind.Object)
                statistics.Add(new(s.Name, StatisticName(s.Name), $"{Number(D(s.Value.GetProperty("statistic")))} (p-value {PValue(D(s.Value.GetProperty("pValue")))})"));
            else if (D(s.Value) is { } v)
                statistics.Add(new(s.Name, StatisticName(s.Name), Number(v)));
        }
        var quality = c.GetProperty("quality");
        var type = c.GetProperty("type").GetString()!;
        var unseen = quality.TryGetProperty("unseenCategories", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var bins = c.TryGetProperty("bins", out var b) && b.ValueKind == JsonValueKind.Object ? Bins(b, type, unseen) : [];
        // A category the reference had and the current data lacks (the engine counts only the new ones).
        var gone = bins.Where(x => x.IsGone).Select(x => x.Label).ToList();
        return new DriftColumnView(c.GetProperty("column").GetString()!, type, c.GetProperty("test").GetString()!,
            D(c.GetProperty("score")), c.GetProperty("threshold").GetDouble(), c.GetProperty("thresholdMeaning").GetString() ?? "",
            c.GetProperty("drifted").ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null },
            statistics, c.GetProperty("rowsReference").GetInt32(), c.GetProperty("rowsCurrent").GetInt32(),
            quality.GetProperty("missingReference").GetDouble(), quality.GetProperty("missingCurrent").GetDouble(),
            quality.GetProperty("outOfRange").GetInt64(), unseen, gone, bins);
    }

    private static List<DriftBin> Bins(JsonElement b, string type, IReadOnlyList<string> unseen)
    {
        var labels = b.GetProperty("labels").EnumerateArray().Select(x => x.GetString()!).ToList();
        var reference = b.GetProperty("reference").EnumerateArray().Select(x => x.GetDouble()).ToList();
        var current = b.GetProperty("current").EnumerateArray().Select(x => x.GetDouble()).ToList();
        var edges = b.TryGetProperty("edges", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetDouble()).ToList() : null;
        var bins = new List<DriftBin>(labels.Count);
        for (var k = 0; k < labels.Count; k++)
        {
            if (type == "numeric" && edges is { } ed && ed.Count == labels.Count + 1)
            {
                // The engine's labels are compact ("1.05E+04–2.761E+04"); people read "10.5k–27.6k" (exact bounds on hover).
                bins.Add(new($"{Compact(ed[k])}–{Compact(ed[k + 1])}", $"{Exact(ed[k])} to {Exact(ed[k + 1])}", reference[k], current[k],
                    From: ed[k], To: ed[k + 1]));
                continue;
            }
            var isNew = unseen.Contains(labels[k]) || (reference[k] == 0 && current[k] > 0 && type != "numeric");
            var isGone = type != "numeric" && reference[k] > 0 && current[k] == 0;
            bins.Add(new(labels[k], labels[k], reference[k], current[k], isNew, isGone));
        }
        return bins;
    }

    /// <summary>A bin edge for an axis: "27.6k", "1.2M", "0.065", "18".</summary>
    public static string Compact(double v)
    {
        var abs = Math.Abs(v);
        var culture = CultureInfo.InvariantCulture;
        return abs >= 1e9 ? (v / 1e9).ToString("0.##", culture) + "G"
            : abs >= 1e6 ? (v / 1e6).ToString("0.##", culture) + "M"
            : abs >= 1e4 ? (v / 1e3).ToString("0.#", culture) + "k"
            : abs >= 100 ? v.ToString("0", culture)
            : abs >= 1 ? v.ToString("0.##", culture)
            : abs == 0 ? "0" : DisplayNames.Number(v, 3);
    }

    /// <summary>A bin edge in full, to four significant digits: "27,607", "0.06486", "18".</summary>
    public static string Exact(double v)
    {
        var abs = Math.Abs(v);
        return abs >= 1000 ? v.ToString("#,0", CultureInfo.InvariantCulture)
            : abs == 0 ? "0" : DisplayNames.Number(Math.Round(v, Math.Max(0, 3 - (int)Math.Floor(Math.Log10(abs)))), 6);
    }

    /// <summary>A score, threshold or statistic: four decimals, never scientific notation.</summary>
    public static string Number(double? v) => v switch
    {
        null => "—",
        { } x when double.IsPositiveInfinity(x) => "∞",
        { } x when x != 0 && Math.Abs(x) < 0.0001 => DisplayNames.Number(x, 4),
        { } x => x.ToString("#,0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>A p-value: below 0.0001 it reads "&lt; 0.0001" (the digits beyond say nothing more).</summary>
    public static string PValue(double? p) => p switch
    {
        null => "—",
        < 0.0001 => "< 0.0001",
        { } x => x.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>The test that judged a column, as its score reads: "Wasserstein distance (normed)", "Kolmogorov–Smirnov p-value".</summary>
    public static string TestName(string test) => test switch
    {
        "ks" => "Kolmogorov–Smirnov p-value",
        "chiSquare" => "Chi-square p-value",
        "zTest" => "Z-test p-value",
        _ => DisplayNames.Of(test),
    };

    /// <summary>A statistic's name in words ("psi" → "Population stability index").</summary>
    public static string StatisticName(string key) => key switch
    {
        "ks" => "Kolmogorov–Smirnov statistic",
        "chiSquare" => "Chi-square statistic",
        "zTest" => "Z statistic",
        _ => DisplayNames.Of(key),
    };

    public static string Type(string type) => type switch
    {
        "numeric" => "Number",
        "categorical" => "Category",
        "boolean" => "True/false",
        _ => DisplayNames.Words(type),
    };
}
