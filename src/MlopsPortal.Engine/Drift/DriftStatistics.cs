// Written by hand: no .NET library computes Evidently's drift statistics; the definitions follow scipy and numpy
// (ks_2samp, wasserstein_distance, jensenshannon, chisquare, histogram_bin_edges) so that results compare.
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace MlopsPortal.Engine.Drift;

/// <summary>A test's statistic and its p-value.</summary>
public sealed record TestResult(double Statistic, double PValue);

/// <summary>
/// The per-column drift statistics of contracts §5, computed on sorted numeric samples or on category counts.
/// Every method takes data with missing values already dropped.
/// </summary>
public static class DriftStatistics
{
    /// <summary>The two-sided two-sample Kolmogorov–Smirnov statistic and p-value, as scipy's ks_2samp (method 'auto').</summary>
    public static TestResult KolmogorovSmirnov(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        int n1 = sortedReference.Length, n2 = sortedCurrent.Length;
        if (n1 == 0 || n2 == 0) throw new ArgumentException("Both samples need at least one value.");
        // The largest gap between the two empirical CDFs, evaluated at every value of either sample (ties included).
        double d = 0;
        int i = 0, j = 0;
        while (i < n1 || j < n2)
        {
            var v = j >= n2 || (i < n1 && sortedReference[i] <= sortedCurrent[j]) ? sortedReference[i] : sortedCurrent[j];
            while (i < n1 && sortedReference[i] <= v) i++;
            while (j < n2 && sortedCurrent[j] <= v) j++;
            var diff = Math.Abs((double)i / n1 - (double)j / n2);
            if (diff > d) d = diff;
        }
        return KolmogorovSmirnovTest.TwoSample(n1, n2, Math.Min(d, 1.0));
    }

    /// <summary>scipy's wasserstein_distance (first Wasserstein distance between the two empirical distributions).</summary>
    public static double Wasserstein(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        int n = sortedU.Length, m = sortedV.Length;
        if (n == 0 || m == 0) throw new ArgumentException("Both samples need at least one value.");
        // Walk the merged values; between consecutive merged values the CDFs are constant.
        double sum = 0;
        int i = 0, j = 0;
        var previous = Math.Min(sortedU[0], sortedV[0]);
        while (i < n || j < m)
        {
            var next = j >= m || (i < n && sortedU[i] <= sortedV[j]) ? sortedU[i] : sortedV[j];
            sum += Math.Abs((double)i / n - (double)j / m) * (next - previous);
            if (j >= m || (i < n && sortedU[i] <= sortedV[j])) i++; else j++;
            previous = next;
        }
        return sum;
    }

    /// <summary>The population standard deviation (numpy's std, ddof = 0).</summary>
    public static double PopulationStd(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / values.Length);
    }

    /// <summary>Wasserstein distance divided by max(std of the reference, 0.001) (Evidently's normed variant).</summary>
    public static double WassersteinNormed(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent) =>
        Wasserstein(sortedReference, sortedCurrent) / Math.Max(PopulationStd(sortedReference), 0.001);

    /// <summary>
    /// numpy's histogram_bin_edges(…, bins="sturges") over both samples together: equal-width bins, as many as
    /// ceil(range / (range / (log2(n) + 1))), edges from linspace (i · step + first, the last edge exactly the maximum).
    /// </summary>
    public static double[] SturgesEdges(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        var first = Math.Min(sortedA[0], sortedB[0]);
        var last = Math.Max(sortedA[^1], sortedB[^1]);
        var n = sortedA.Length + sortedB.Length;
        int bins;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
            bins = 1;
        }
        else
        {
            var width = (last - first) / (Math.Log2(n) + 1.0);
            bins = (int)Math.Ceiling((last - first) / width);
        }
        var edges = new double[bins + 1];
        var step = (last - first) / bins;
        for (var k = 0; k <= bins; k++) edges[k] = k * step + first;
        edges[bins] = last;
        return edges;
    }

    /// <summary>Shares of a sorted sample per bin, as numpy's histogram with explicit edges (the last bin closed).</summary>
    public static double[] HistogramShares(ReadOnlySpan<double> sorted, double[] edges)
    {
        var shares = new double[edges.Length - 1];
        for (var k = 0; k < shares.Length; k++)
        {
            var low = LowerBound(sorted, edges[k]);
            var high = k == shares.Length - 1 ? UpperBound(sorted, edges[k + 1]) : LowerBound(sorted, edges[k + 1]);
            shares[k] = (double)(high - low) / sorted.Length;
        }
        return shares;
    }

    /// <summary>Shares per category from counts (one bin per category seen in either sample).</summary>
    public static double[] CountShares(ReadOnlySpan<long> counts, long total)
    {
        var shares = new double[counts.Length];
        for (var k = 0; k < counts.Length; k++) shares[k] = (double)counts[k] / total;
        return shares;
    }

    /// <summary>
    /// Population stability index Σ (cur − ref) · ln(cur / ref). Empty bins get 0.0001, or the smallest non-zero share
    /// divided by 10⁶ when that share is at most 0.0001 (Evidently's rule), separately in each sample.
    /// </summary>
    public static double Psi(ReadOnlySpan<double> referenceShares, ReadOnlySpan<double> currentShares)
    {
        var r = FillZeroes(referenceShares);
        var c = FillZeroes(currentShares);
        double psi = 0;
        for (var k = 0; k < r.Length; k++) psi += (c[k] - r[k]) * Math.Log(c[k] / r[k]);
        return psi;
    }

    private static double[] FillZeroes(ReadOnlySpan<double> shares)
    {
        var copy = shares.ToArray();
        var smallest = double.PositiveInfinity;
        foreach (var s in copy) if (s != 0 && s < smallest) smallest = s;
        var fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
        for (var k = 0; k < copy.Length; k++) if (copy[k] == 0) copy[k] = fill;
        return copy;
    }

    /// <summary>
    /// scipy's distance.jensenshannon with the natural logarithm: the square root of the Jensen–Shannon divergence of
    /// the two share vectors (each normalised to sum 1), i.e. a distance between 0 and √ln 2.
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sp = 0, sq = 0;
        for (var k = 0; k < p.Length; k++) { sp += p[k]; sq += q[k]; }
        double left = 0, right = 0;
        for (var k = 0; k < p.Length; k++)
        {
            var pk = p[k] / sp;
            var qk = q[k] / sq;
            var m = (pk + qk) / 2.0;
            left += RelativeEntropy(pk, m);
            right += RelativeEntropy(qk, m);
        }
        return Math.Sqrt((left + right) / 2.0);
    }

    private static double RelativeEntropy(double x, double y) => x > 0 && y > 0 ? x * Math.Log(x / y) : x == 0 && y >= 0 ? 0 : double.PositiveInfinity;

    /// <summary>
    /// Evidently's chi-square test: current counts against reference counts scaled to the current size, p from the
    /// chi-square distribution with k − 1 degrees of freedom. A category missing from the reference makes the
    /// statistic infinite and the p-value 0.
    /// </summary>
    public static TestResult ChiSquare(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        long nRef = 0, nCur = 0;
        foreach (var c in referenceCounts) nRef += c;
        foreach (var c in currentCounts) nCur += c;
        var scale = (double)nCur / nRef;
        double statistic = 0;
        for (var k = 0; k < referenceCounts.Length; k++)
        {
            var expected = referenceCounts[k] * scale;
            if (expected == 0)
            {
                if (currentCounts[k] > 0) return new TestResult(double.PositiveInfinity, 0);
                continue;
            }
            var diff = currentCounts[k] - expected;
            statistic += diff * diff / expected;
        }
        var df = referenceCounts.Length - 1;
        if (df < 1) return new TestResult(statistic, 1);
        return new TestResult(statistic, SpecialFunctions.GammaUpperRegularized(df / 2.0, statistic / 2.0));
    }

    /// <summary>
    /// Evidently's two-proportion Z-test (pooled): successes are the values that are not the first category in sorted
    /// order; p = 2 · (1 − Φ(|z|)). Two samples of one and the same value give z = 0, p = 1.
    /// </summary>
    public static TestResult ZTest(long referenceSuccesses, long referenceTotal, long currentSuccesses, long currentTotal)
    {
        double n1 = referenceTotal, n2 = currentTotal;
        var p1 = referenceSuccesses / n1;
        var p2 = currentSuccesses / n2;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var denominator = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (denominator == 0) return new TestResult(0, 1);
        var z = (p1 - p2) / denominator;
        return new TestResult(z, 2 * (1 - Normal.CDF(0, 1, Math.Abs(z))));
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
