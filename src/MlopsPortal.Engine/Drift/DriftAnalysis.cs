namespace MlopsPortal.Engine.Drift;

/// <summary>One column of a sample: numbers (missing already dropped) or dictionary-encoded categories.</summary>
public abstract record DriftSample(string Name, int Missing)
{
    public abstract int Count { get; }
}

/// <summary>Numeric values; NaN and ±∞ are dropped when the sample is made (they count as missing).</summary>
public sealed record NumericSample : DriftSample
{
    public NumericSample(string name, double[] values, int missing = 0) : base(name, missing)
    {
        var kept = new double[values.Length];
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) kept[n++] = v;
        if (n < kept.Length) Array.Resize(ref kept, n);
        Missing = missing + values.Length - n;
        Array.Sort(kept);
        Sorted = kept;
    }

    /// <summary>The values in ascending order.</summary>
    public double[] Sorted { get; }
    public override int Count => Sorted.Length;
}

/// <summary>Categories as codes into <see cref="Categories"/> (missing values are not coded: they are counted in Missing).</summary>
public sealed record CategoricalSample(string Name, string[] Categories, int[] Codes, int Missing = 0) : DriftSample(Name, Missing)
{
    public override int Count => Codes.Length;

    public static CategoricalSample FromValues(string name, IEnumerable<string?> values)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new List<int>();
        var missing = 0;
        foreach (var v in values)
        {
            if (v is null) { missing++; continue; }
            if (!index.TryGetValue(v, out var code)) index[v] = code = index.Count;
            codes.Add(code);
        }
        return new CategoricalSample(name, [.. index.Keys], [.. codes], missing);
    }

    public long[] Counts()
    {
        var counts = new long[Categories.Length];
        foreach (var c in Codes) counts[c]++;
        return counts;
    }
}

/// <summary>The statistics keys of contracts §5, which are also the names of the tests.</summary>
public static class DriftTests
{
    public const string Ks = "ks";
    public const string WassersteinNormed = "wassersteinNormed";
    public const string Psi = "psi";
    public const string JensenShannon = "jensenShannon";
    public const string ChiSquare = "chiSquare";
    public const string ZTest = "zTest";

    public static readonly IReadOnlyList<string> All = [Ks, WassersteinNormed, Psi, JensenShannon, ChiSquare, ZTest];

    /// <summary>Tests judged on a p-value (drift when small); the others are distances (drift when large).</summary>
    public static bool IsPValueTest(string test) => test is Ks or ChiSquare or ZTest;

    /// <summary>Evidently's default thresholds: p ≤ 0.05 for KS, p &lt; 0.05 for chi-square and Z, 0.1 for the distances.</summary>
    public static double DefaultThreshold(string test) => IsPValueTest(test) ? 0.05 : 0.1;

    /// <summary>What the threshold means for the test: which statistic variant it applies to.</summary>
    public static string ThresholdMeaning(string test) => test switch
    {
        Ks => "KS p-value ≤ threshold",
        ChiSquare => "chi-square p-value < threshold",
        ZTest => "two-proportion Z p-value < threshold",
        WassersteinNormed => "Wasserstein distance / reference std ≥ threshold",
        Psi => "population stability index ≥ threshold",
        _ => "Jensen–Shannon distance (natural log, not divergence) ≥ threshold",
    };

    public static bool IsDrift(string test, double score, double threshold) => test switch
    {
        Ks => score <= threshold,
        ChiSquare or ZTest => score < threshold,
        _ => score >= threshold,
    };
}

/// <summary>A column's own test and threshold.</summary>
public sealed record DriftOverride(string Test, double Threshold);

public sealed record DriftOptions
{
    /// <summary>Below this many current values a column gets "insufficient", not a verdict.</summary>
    public int MinCurrentRows { get; init; } = 100;
    /// <summary>The dataset drifts when at least this share of the judged columns drift.</summary>
    public double DriftedShareThreshold { get; init; } = 0.5;
    public IReadOnlyDictionary<string, DriftOverride> Overrides { get; init; } = new Dictionary<string, DriftOverride>();
}

/// <summary>Every statistic computed for a column (null where the type does not allow it).</summary>
public sealed record DriftStatisticSet(
    TestResult? Ks, double? WassersteinNormed, double? Psi, double? JensenShannon, TestResult? ChiSquare, TestResult? ZTest)
{
    public double? Score(string test) => test switch
    {
        DriftTests.Ks => Ks?.PValue,
        DriftTests.ChiSquare => ChiSquare?.PValue,
        DriftTests.ZTest => ZTest?.PValue,
        DriftTests.WassersteinNormed => WassersteinNormed,
        DriftTests.Psi => Psi,
        _ => JensenShannon,
    };
}

/// <summary>The reference-versus-current picture of a column: bin labels and the two samples' shares.</summary>
public sealed record DriftBins(IReadOnlyList<string> Labels, IReadOnlyList<double> Reference, IReadOnlyList<double> Current, IReadOnlyList<double>? Edges);

/// <summary>Data quality beside drift: missing rates, values outside the reference's range, categories the reference never had.</summary>
public sealed record DriftQuality(double MissingReference, double MissingCurrent, long OutOfRange, IReadOnlyList<string> UnseenCategories, int UnseenCategoryCount);

/// <summary>One column's result: its deciding test, score against threshold and verdict, with all statistics.</summary>
public sealed record DriftColumnResult(
    string Column, string Type, string Test, double? Score, double Threshold, bool? Drifted, string Verdict,
    DriftStatisticSet Statistics, int RowsReference, int RowsCurrent, int DistinctAll, DriftBins? Bins, DriftQuality Quality)
{
    /// <summary>How far past (positive) or short of (negative) its threshold the column is, relative to the threshold.</summary>
    public double Margin => Score is not { } s ? double.NegativeInfinity
        : DriftTests.IsPValueTest(Test) ? (Threshold - s) / Threshold : (s - Threshold) / Threshold;
}

public sealed record DriftResult(IReadOnlyList<DriftColumnResult> Columns, IReadOnlyList<string> Skipped, double? DriftedShare, bool? DatasetDrift, double DriftedShareThreshold);

/// <summary>
/// Compares current columns with reference columns with Evidently's defaults (issue 8): the test is chosen on the
/// reference size and the distinct values of both samples; per-column overrides replace only that column's test.
/// </summary>
public static class DriftAnalysis
{
    public static DriftResult Compare(IReadOnlyList<DriftSample> reference, IReadOnlyList<DriftSample> current, DriftOptions? options = null,
        IReadOnlyList<string>? skipped = null, CancellationToken ct = default)
    {
        options ??= new DriftOptions();
        var byName = current.ToDictionary(c => c.Name);
        var pairs = reference.Where(r => byName.ContainsKey(r.Name)).ToList();
        var results = new DriftColumnResult[pairs.Count];
        Parallel.For(0, pairs.Count, new ParallelOptions { CancellationToken = ct }, k =>
            results[k] = CompareColumn(pairs[k], byName[pairs[k].Name], options));
        var judged = results.Where(r => r.Drifted is not null).ToList();
        double? share = judged.Count == 0 ? null : (double)judged.Count(r => r.Drifted == true) / judged.Count;
        var ordered = results.OrderBy(r => r.Drifted is null ? 2 : r.Drifted == true ? 0 : 1).ThenByDescending(r => r.Margin).ToList();
        return new DriftResult(ordered, skipped ?? [], share, share is { } s ? s >= options.DriftedShareThreshold : null, options.DriftedShareThreshold);
    }

    public static DriftColumnResult CompareColumn(DriftSample reference, DriftSample current, DriftOptions options)
    {
        var quality = Quality(reference, current);
        if (reference is NumericSample nr && current is NumericSample nc)
            return Numeric(nr, nc, options, quality);
        var cr = reference as CategoricalSample ?? ToCategorical(reference);
        var cc = current as CategoricalSample ?? ToCategorical(current);
        return Categorical(cr, cc, options, reference is NumericSample ? "numeric" : "categorical", quality);
    }

    private static DriftColumnResult Numeric(NumericSample reference, NumericSample current, DriftOptions options, DriftQuality quality)
    {
        var r = reference.Sorted;
        var c = current.Sorted;
        if (r.Length == 0 || c.Length == 0)
            return Insufficient(reference, current, "numeric", DefaultNumericTest(r.Length, 0), options, quality);
        var distinctReference = Distinct(r);
        var distinctAll = DistinctUnion(r, c);
        var ks = DriftStatistics.KolmogorovSmirnov(r, c);
        var wasserstein = DriftStatistics.WassersteinNormed(r, c);
        DriftBins bins;
        double[] refShares, curShares;
        if (distinctReference > 20)
        {
            var edges = DriftStatistics.SturgesEdges(r, c);
            refShares = DriftStatistics.HistogramShares(r, edges);
            curShares = DriftStatistics.HistogramShares(c, edges);
            bins = new DriftBins(Enumerable.Range(0, refShares.Length).Select(k => $"{edges[k]:G4}–{edges[k + 1]:G4}").ToList(), refShares, curShares, edges);
        }
        else
        {
            var (values, refCounts, curCounts) = ValueCounts(r, c);
            refShares = DriftStatistics.CountShares(refCounts, r.Length);
            curShares = DriftStatistics.CountShares(curCounts, c.Length);
            bins = new DriftBins(values.Select(v => v.ToString("G6")).ToList(), refShares, curShares, null);
        }
        TestResult? chi = null, z = null;
        if (distinctAll <= 5)
        {
            var (values, refCounts, curCounts) = ValueCounts(r, c);
            if (distinctAll > 2) chi = DriftStatistics.ChiSquare(refCounts, curCounts);
            else z = DriftStatistics.ZTest(r.Length - refCounts[0], r.Length, c.Length - curCounts[0], c.Length);
            _ = values;
        }
        var statistics = new DriftStatisticSet(ks, wasserstein, DriftStatistics.Psi(refShares, curShares), DriftStatistics.JensenShannon(refShares, curShares), chi, z);
        var test = r.Length <= 1000
            ? distinctAll > 5 ? DriftTests.Ks : distinctAll > 2 ? DriftTests.ChiSquare : DriftTests.ZTest
            : distinctAll > 5 ? DriftTests.WassersteinNormed : DriftTests.JensenShannon;
        return Judge(reference.Name, "numeric", test, statistics, options, r.Length, c.Length, distinctAll, bins, quality);
    }

    private static string DefaultNumericTest(int referenceRows, int distinct) =>
        referenceRows <= 1000 ? (distinct > 5 ? DriftTests.Ks : DriftTests.ChiSquare) : DriftTests.WassersteinNormed;

    private static DriftColumnResult Categorical(CategoricalSample reference, CategoricalSample current, DriftOptions options, string type, DriftQuality quality)
    {
        // One bin per category seen in either sample, in sorted order.
        var names = reference.Categories.Union(current.Categories).Order(StringComparer.Ordinal).ToArray();
        var position = names.Select((n, k) => (n, k)).ToDictionary(x => x.n, x => x.k, StringComparer.Ordinal);
        var refCounts = Remap(reference, position, names.Length);
        var curCounts = Remap(current, position, names.Length);
        // Categories that only the other sample had are still bins; those with no value in either are dropped.
        var used = Enumerable.Range(0, names.Length).Where(k => refCounts[k] + curCounts[k] > 0).ToArray();
        names = used.Select(k => names[k]).ToArray();
        refCounts = used.Select(k => refCounts[k]).ToArray();
        curCounts = used.Select(k => curCounts[k]).ToArray();
        if (reference.Count == 0 || current.Count == 0)
            return Insufficient(reference, current, type, names.Length > 2 ? DriftTests.ChiSquare : DriftTests.ZTest, options, quality);
        var refShares = DriftStatistics.CountShares(refCounts, reference.Count);
        var curShares = DriftStatistics.CountShares(curCounts, current.Count);
        var distinct = names.Length;
        TestResult? chi = distinct > 2 ? DriftStatistics.ChiSquare(refCounts, curCounts) : null;
        TestResult? z = distinct <= 2 ? DriftStatistics.ZTest(reference.Count - refCounts[0], reference.Count, current.Count - curCounts[0], current.Count) : null;
        var statistics = new DriftStatisticSet(null, null, DriftStatistics.Psi(refShares, curShares), DriftStatistics.JensenShannon(refShares, curShares), chi, z);
        var test = reference.Count <= 1000 ? distinct > 2 ? DriftTests.ChiSquare : DriftTests.ZTest : DriftTests.JensenShannon;
        return Judge(reference.Name, type, test, statistics, options, reference.Count, current.Count, distinct,
            new DriftBins(names, refShares, curShares, null), quality);
    }

    private static DriftColumnResult Judge(string column, string type, string defaultTest, DriftStatisticSet statistics, DriftOptions options,
        int rowsReference, int rowsCurrent, int distinct, DriftBins bins, DriftQuality quality)
    {
        var test = defaultTest;
        var threshold = DriftTests.DefaultThreshold(defaultTest);
        if (options.Overrides.TryGetValue(column, out var o) && statistics.Score(o.Test) is not null)
            (test, threshold) = (o.Test, o.Threshold);
        var score = statistics.Score(test);
        bool? drifted = rowsCurrent < options.MinCurrentRows || score is null ? null : DriftTests.IsDrift(test, score.Value, threshold);
        return new DriftColumnResult(column, type, test, score, threshold, drifted, drifted is null ? "insufficient" : drifted.Value ? "drift" : "no drift",
            statistics, rowsReference, rowsCurrent, distinct, bins, quality);
    }

    private static DriftColumnResult Insufficient(DriftSample reference, DriftSample current, string type, string test, DriftOptions options, DriftQuality quality)
    {
        var threshold = options.Overrides.TryGetValue(reference.Name, out var o) ? o.Threshold : DriftTests.DefaultThreshold(test);
        return new DriftColumnResult(reference.Name, type, options.Overrides.TryGetValue(reference.Name, out var t) ? t.Test : test, null, threshold, null,
            "insufficient", new DriftStatisticSet(null, null, null, null, null, null), reference.Count, current.Count, 0, null, quality);
    }

    private static DriftQuality Quality(DriftSample reference, DriftSample current)
    {
        static double Rate(DriftSample s) => s.Count + s.Missing == 0 ? 0 : (double)s.Missing / (s.Count + s.Missing);
        long outOfRange = 0;
        if (reference is NumericSample r && current is NumericSample c && r.Count > 0)
            // Both sorted: the values below the reference's minimum and above its maximum, by binary search.
            outOfRange = Below(c.Sorted, r.Sorted[0]) + (c.Count - AtMost(c.Sorted, r.Sorted[^1]));
        List<string> unseen = [];
        if (reference is CategoricalSample cr && current is CategoricalSample cc)
        {
            var referenceCounts = cr.Counts();
            var known = cr.Categories.Where((_, k) => referenceCounts[k] > 0).ToHashSet(StringComparer.Ordinal);
            var counts = cc.Counts();
            unseen = cc.Categories.Where((name, k) => counts[k] > 0 && !known.Contains(name)).Order(StringComparer.Ordinal).ToList();
        }
        return new DriftQuality(Rate(reference), Rate(current), outOfRange, unseen.Take(20).ToList(), unseen.Count);
    }

    private static int Below(double[] sorted, double value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0) return ~i;
        while (i > 0 && sorted[i - 1] == value) i--;
        return i;
    }

    private static int AtMost(double[] sorted, double value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0) return ~i;
        while (i < sorted.Length - 1 && sorted[i + 1] == value) i++;
        return i + 1;
    }

    private static CategoricalSample ToCategorical(DriftSample sample) => sample switch
    {
        CategoricalSample c => c,
        NumericSample n => CategoricalSample.FromValues(n.Name, n.Sorted.Select(v => (string?)v.ToString("R"))) with { Missing = n.Missing },
        _ => throw new ArgumentOutOfRangeException(nameof(sample)),
    };

    private static long[] Remap(CategoricalSample sample, Dictionary<string, int> position, int size)
    {
        var counts = new long[size];
        var local = sample.Counts();
        for (var k = 0; k < local.Length; k++) counts[position[sample.Categories[k]]] += local[k];
        return counts;
    }

    private static int Distinct(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0) return 0;
        var n = 1;
        for (var k = 1; k < sorted.Length; k++) if (sorted[k] != sorted[k - 1]) n++;
        return n;
    }

    private static int DistinctUnion(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0, j = 0, n = 0;
        var last = double.NaN;
        while (i < a.Length || j < b.Length)
        {
            var v = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (n == 0 || v != last) { n++; last = v; }
        }
        return n;
    }

    /// <summary>The distinct values of both sorted samples in order, with each sample's count of each.</summary>
    private static (double[] Values, long[] Reference, long[] Current) ValueCounts(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var values = new List<double>();
        var ra = new List<long>();
        var rb = new List<long>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var v = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            long ca = 0, cb = 0;
            while (i < a.Length && a[i] == v) { i++; ca++; }
            while (j < b.Length && b[j] == v) { j++; cb++; }
            values.Add(v);
            ra.Add(ca);
            rb.Add(cb);
        }
        return ([.. values], [.. ra], [.. rb]);
    }
}
