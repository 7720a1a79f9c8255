// Written by hand: Fairlearn is Python only and no fairness library for .NET restores here. Definitions follow
// Fairlearn's (difference = largest − smallest group value, ratio = smallest ÷ largest, equalized odds = the worse
// of the TPR and FPR terms), and tests hold the results to an independent computation in Python.
namespace MlopsPortal.Engine.Fairness;

/// <summary>Policy thresholds (contracts §4 defaults; per risk tier in the portal).</summary>
public sealed record FairnessThresholds(
    double DisparateImpactFail = 0.8, double DisparateImpactWarn = 0.9, double DifferenceFail = 0.10, double DifferenceWarn = 0.05);

public sealed record FairnessOptions
{
    /// <summary>Also the cross product of every sensitive attribute ("race&amp;sex").</summary>
    public bool Intersectional { get; init; }
    /// <summary>Disparate impact is each group's selection rate over this group's; else smallest over largest.</summary>
    public string? ReferenceGroup { get; init; }
    /// <summary>Bootstrap resamples for confidence intervals; 0 for none.</summary>
    public int Bootstrap { get; init; }
    public int Seed { get; init; }
    /// <summary>Groups with fewer rows are flagged (smallGroup) and left out of the disparities the verdict reads.</summary>
    public int MinGroupSize { get; init; } = 30;
    public FairnessThresholds Thresholds { get; init; } = new();
    /// <summary>More groups than this in one attribute is refused (an identifier picked by mistake would exhaust memory).</summary>
    public int MaxGroups { get; init; } = 1000;
}

/// <summary>A dictionary-encoded sensitive column: a category index per row, −1 for a missing value.</summary>
public sealed record SensitiveColumn(string Attribute, IReadOnlyList<string> Categories, int[] Codes)
{
    /// <summary>Encodes text values; an empty or null value is missing.</summary>
    public static SensitiveColumn FromValues(string attribute, IReadOnlyList<string?> values)
    {
        var categories = new List<string>();
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[values.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var v = values[i];
            if (string.IsNullOrEmpty(v)) { codes[i] = -1; continue; }
            if (!lookup.TryGetValue(v, out var code))
            {
                code = lookup[v] = categories.Count;
                categories.Add(v);
            }
            codes[i] = code;
        }
        return new SensitiveColumn(attribute, categories, codes);
    }
}

/// <summary>The label and prediction of every row (true = positive) and the sensitive columns.</summary>
public sealed record FairnessInput(bool[] Labels, bool[] Predictions, IReadOnlyList<SensitiveColumn> Sensitive);

/// <summary>A bootstrap interval; written as [low, high] (contracts §4).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(IntervalConverter))]
public sealed record Interval(double Low, double High);

internal sealed class IntervalConverter : System.Text.Json.Serialization.JsonConverter<Interval>
{
    public override Interval Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        var values = System.Text.Json.JsonSerializer.Deserialize<double[]>(ref reader, options) ?? [];
        return values.Length == 2 ? new Interval(values[0], values[1]) : throw new System.Text.Json.JsonException("An interval is [low, high].");
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, Interval value, System.Text.Json.JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Low);
        writer.WriteNumberValue(value.High);
        writer.WriteEndArray();
    }
}

/// <summary>One group's rates; a rate whose denominator is zero is null (contracts §1).</summary>
public sealed record GroupMetrics(
    string Attribute, string Group, long Count, double? BaseRate, double? SelectionRate, double? Tpr, double? Fpr, double? Fnr,
    double? Precision, bool SmallGroup,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, Interval?>? Ci);

public sealed record Disparities(
    double? DemographicParityDifference, double? DemographicParityRatio, double? EqualizedOddsDifference, double? EqualizedOddsRatio,
    double? EqualOpportunityDifference, double? DisparateImpactRatio, bool? FourFifthsPass);

public sealed record FairnessReport(
    long Rows, IReadOnlyList<GroupMetrics> Groups, IReadOnlyDictionary<string, Disparities> Disparities,
    IReadOnlyDictionary<string, Disparities> DisparitiesExcludingSmallGroups, string? Verdict);

/// <summary>Group and intersectional fairness metrics with seeded bootstrap intervals and a policy verdict (contracts §4).</summary>
public static class FairnessAudit
{
    public const string Missing = "(missing)";
    private static readonly string[] MetricNames = ["baseRate", "selectionRate", "tpr", "fpr", "fnr", "precision"];

    public static FairnessReport Run(FairnessInput input, FairnessOptions options, CancellationToken ct = default)
    {
        var n = input.Labels.Length;
        if (input.Predictions.Length != n || input.Sensitive.Any(s => s.Codes.Length != n))
            throw new ArgumentException("Labels, predictions and sensitive values must have one entry per row.");
        if (input.Sensitive.Count == 0)
            throw new ArgumentException("Name at least one sensitive attribute.");
        if (input.Sensitive.Select(c => c.Attribute).Distinct().Count() != input.Sensitive.Count)
            throw new FormatException("A sensitive attribute is named twice.");
        var outcomes = new byte[n];
        for (var i = 0; i < n; i++)
            outcomes[i] = (byte)((input.Labels[i] ? 2 : 0) | (input.Predictions[i] ? 1 : 0));
        var attributes = Attributes(input, options.Intersectional);
        if (attributes.FirstOrDefault(a => a.Names.Count > options.MaxGroups) is { } wide)
            throw new FormatException($"'{wide.Attribute}' has {wide.Names.Count:N0} groups; an audit compares at most {options.MaxGroups:N0} (is it an identifier?).");
        if (options.ReferenceGroup is { } reference && attributes.All(a => !a.Names.Contains(reference)))
            throw new FormatException($"No attribute has a group named '{reference}'.");

        var groups = new List<GroupMetrics>();
        var disparities = new Dictionary<string, Disparities>();
        var excluding = new Dictionary<string, Disparities>();
        var intervals = options.Bootstrap > 0 ? Bootstrap(attributes, outcomes, options, ct) : null;
        for (var index = 0; index < attributes.Count; index++)
        {
            var a = attributes[index];
            var counts = Count(a.Cells, outcomes, a.Names.Count);
            var rows = a.Names.Select((name, g) => Metrics(a.Attribute, name, counts.AsSpan(g * 4, 4), options.MinGroupSize, intervals?[index][g])).ToList();
            groups.AddRange(rows);
            disparities[a.Attribute] = Disparity(rows, options.ReferenceGroup);
            excluding[a.Attribute] = Disparity(rows.Where(r => !r.SmallGroup).ToList(), options.ReferenceGroup);
        }
        return new FairnessReport(n, groups, disparities, excluding, Verdict(excluding.Values, options.Thresholds));
    }

    private sealed record AttributeCells(string Attribute, IReadOnlyList<string> Names, int[] Cells);

    /// <summary>Each attribute (and with intersections, their cross product) as a group index per row; groups sorted by name.</summary>
    private static List<AttributeCells> Attributes(FairnessInput input, bool intersectional)
    {
        var result = input.Sensitive.Select(c => Regroup(c.Attribute, c.Codes, code => code < 0 ? Missing : c.Categories[code])).ToList();
        if (intersectional && input.Sensitive.Count > 1)
        {
            // Mixed radix over (categories + 1) per column, the extra digit for "missing".
            var keys = new long[input.Labels.Length];
            var radix = 1L;
            foreach (var c in input.Sensitive)
            {
                for (var i = 0; i < keys.Length; i++) keys[i] += (c.Codes[i] + 1) * radix;
                radix = checked(radix * (c.Categories.Count + 1));
            }
            string Name(long key) => string.Join('&', input.Sensitive.Select(c =>
            {
                var digit = (int)(key % (c.Categories.Count + 1));
                key /= c.Categories.Count + 1;
                return digit == 0 ? Missing : c.Categories[digit - 1];
            }));
            var distinct = new Dictionary<long, int>();
            var codes = new int[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                if (!distinct.TryGetValue(keys[i], out var code)) code = distinct[keys[i]] = distinct.Count;
                codes[i] = code;
            }
            var byCode = distinct.OrderBy(p => p.Value).Select(p => Name(p.Key)).ToList();
            if (byCode.Distinct(StringComparer.Ordinal).Count() != byCode.Count)
                throw new FormatException("Two intersections get the same name because a category contains '&': rename it to audit intersections.");
            result.Add(Regroup(string.Join('&', input.Sensitive.Select(c => c.Attribute)), codes, code => byCode[code]));
        }
        return result;
    }

    /// <summary>Sorts the groups by name and maps each row's code to its group's index.</summary>
    private static AttributeCells Regroup(string attribute, int[] codes, Func<int, string> nameOf)
    {
        var present = codes.Distinct().ToList();
        var names = present.Select(nameOf).ToList();
        var order = present.Select((code, i) => (code, name: names[i])).OrderBy(p => p.name, StringComparer.Ordinal).ToList();
        var index = order.Select((p, i) => (p.code, i)).ToDictionary(p => p.code, p => p.i);
        var cells = new int[codes.Length];
        for (var i = 0; i < cells.Length; i++) cells[i] = index[codes[i]];
        return new AttributeCells(attribute, order.Select(p => p.name).ToList(), cells);
    }

    /// <summary>TN, FP, FN, TP per group (index = group × 4 + label × 2 + prediction).</summary>
    private static long[] Count(int[] cells, byte[] outcomes, int groups)
    {
        var counts = new long[groups * 4];
        for (var i = 0; i < cells.Length; i++) counts[cells[i] * 4 + outcomes[i]]++;
        return counts;
    }

    private static double? Rate(long numerator, long denominator) => denominator == 0 ? null : (double)numerator / denominator;

    /// <summary>The six rates of a group from its TN, FP, FN, TP.</summary>
    private static double?[] Rates(ReadOnlySpan<long> c)
    {
        long tn = c[0], fp = c[1], fn = c[2], tp = c[3], all = tn + fp + fn + tp;
        return [Rate(tp + fn, all), Rate(tp + fp, all), Rate(tp, tp + fn), Rate(fp, fp + tn), Rate(fn, tp + fn), Rate(tp, tp + fp)];
    }

    private static GroupMetrics Metrics(string attribute, string group, ReadOnlySpan<long> c, int minSize, Interval?[]? intervals)
    {
        var r = Rates(c);
        var count = c[0] + c[1] + c[2] + c[3];
        return new GroupMetrics(attribute, group, count, r[0], r[1], r[2], r[3], r[4], r[5], count < minSize,
            intervals is null ? null : MetricNames.Select((m, i) => (m, intervals[i])).ToDictionary(p => p.m, p => p.Item2));
    }

    /// <summary>
    /// Percentile intervals (2.5 and 97.5, linear interpolation as numpy's default) over resamples of whole rows:
    /// one draw of rows serves every attribute. Each resample has its own seeded generator, so the result does not
    /// depend on how resamples are spread over threads. Result: [attribute][group][metric].
    /// </summary>
    private static Interval?[][][] Bootstrap(List<AttributeCells> attributes, byte[] outcomes, FairnessOptions options, CancellationToken ct)
    {
        var n = outcomes.Length;
        var resamples = options.Bootstrap;
        var samples = attributes.Select(a => Enumerable.Range(0, a.Names.Count * MetricNames.Length).Select(_ => new double[resamples]).ToArray()).ToArray();
        Parallel.For(0, resamples, new ParallelOptions { CancellationToken = ct }, () => attributes.Select(a => new long[a.Names.Count * 4]).ToArray(), (b, _, counts) =>
        {
            var random = new Random(ResampleSeed(options.Seed, b));
            foreach (var c in counts) Array.Clear(c);
            for (var i = 0; i < n; i++)
            {
                var row = random.Next(n);
                var outcome = outcomes[row];
                for (var a = 0; a < counts.Length; a++)
                    counts[a][attributes[a].Cells[row] * 4 + outcome]++;
            }
            for (var a = 0; a < counts.Length; a++)
                for (var g = 0; g < attributes[a].Names.Count; g++)
                {
                    var rates = Rates(counts[a].AsSpan(g * 4, 4));
                    for (var m = 0; m < rates.Length; m++)
                        samples[a][g * MetricNames.Length + m][b] = rates[m] ?? double.NaN;
                }
            return counts;
        }, _ => { });
        return attributes.Select((a, index) => Enumerable.Range(0, a.Names.Count).Select(g => Enumerable.Range(0, MetricNames.Length)
            .Select(m => Percentiles(samples[index][g * MetricNames.Length + m])).ToArray()).ToArray()).ToArray();
    }

    /// <summary>
    /// A fixed mix of the audit's seed and the resample's number (SplitMix64's finalizer), the same in every process
    /// (HashCode.Combine is randomized per process).
    /// </summary>
    internal static int ResampleSeed(int seed, int resample)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)resample) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>numpy.percentile's linear interpolation at 2.5 and 97.5 over the defined values; null when none is.</summary>
    internal static Interval? Percentiles(double[] values)
    {
        var defined = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (defined.Length == 0) return null;
        return new Interval(At(defined, 0.025), At(defined, 0.975));

        static double At(double[] sorted, double q)
        {
            var position = q * (sorted.Length - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
        }
    }

    /// <summary>Differences and ratios between groups, over the groups where the rate is defined.</summary>
    private static Disparities Disparity(IReadOnlyList<GroupMetrics> rows, string? reference)
    {
        if (rows.Count == 0) return new Disparities(null, null, null, null, null, null, null);
        var selection = rows.Select(r => r.SelectionRate).OfType<double>().ToList();
        var tpr = rows.Select(r => r.Tpr).OfType<double>().ToList();
        var fpr = rows.Select(r => r.Fpr).OfType<double>().ToList();
        double? Difference(List<double> v) => v.Count == 0 ? null : v.Max() - v.Min();
        // Equal values (one group, or all zero) are perfectly even: ratio 1, as contracts §4 says for one group.
        double? Ratio(List<double> v) => v.Count == 0 ? null : v.Max() == v.Min() ? 1 : v.Min() / v.Max();
        double? Worse(double? a, double? b, bool larger) => a is null ? b : b is null ? a : larger ? Math.Max(a.Value, b.Value) : Math.Min(a.Value, b.Value);

        double? impact;
        if (reference is not null && rows.FirstOrDefault(r => r.Group == reference) is { } refRow)
        {
            var others = rows.Where(r => r.Group != reference).Select(r => r.SelectionRate).OfType<double>().ToList();
            impact = refRow.SelectionRate is not { } baseRate || baseRate == 0 ? null
                : others.Count == 0 ? 1 : others.Min() / baseRate;
        }
        else
            impact = Ratio(selection);
        return new Disparities(Difference(selection), Ratio(selection),
            Worse(Difference(tpr), Difference(fpr), larger: true), Worse(Ratio(tpr), Ratio(fpr), larger: false),
            Difference(tpr), impact, impact is { } di ? di >= 0.8 : null);
    }

    /// <summary>Values on a line count as on its good side: 0.1 − 0.0 computed as 0.10000000000000003 is not above 0.1.</summary>
    public const double Tolerance = 1e-9;

    public static bool Below(double? value, double line) => value < line - Tolerance;

    public static bool Above(double? value, double line) => value > line + Tolerance;

    /// <summary>fail beats warn beats pass, over every attribute; null when nothing could be computed.</summary>
    private static string? Verdict(IEnumerable<Disparities> all, FairnessThresholds t)
    {
        string? verdict = null;
        foreach (var d in all)
        {
            if (d.DisparateImpactRatio is null && d.DemographicParityDifference is null && d.EqualizedOddsDifference is null) continue;
            var fail = Below(d.DisparateImpactRatio, t.DisparateImpactFail) || Above(d.DemographicParityDifference, t.DifferenceFail) || Above(d.EqualizedOddsDifference, t.DifferenceFail);
            var warn = Below(d.DisparateImpactRatio, t.DisparateImpactWarn) || Above(d.DemographicParityDifference, t.DifferenceWarn) || Above(d.EqualizedOddsDifference, t.DifferenceWarn);
            var current = fail ? "fail" : warn ? "warn" : "pass";
            verdict = verdict == "fail" || current == "fail" ? "fail" : verdict == "warn" || current == "warn" ? "warn" : "pass";
        }
        return verdict;
    }
}
