// Written by hand: streaming statistics and quantiles of a numeric column in bounded memory.
namespace MlopsPortal.Engine.Datasets;

/// <summary>How quantiles are computed: exactly up to a row count, then from a uniform sample.</summary>
public sealed record QuantileOptions
{
    /// <summary>Columns with at most this many values get exact quantiles.</summary>
    public int ExactUpTo { get; init; } = 250_000;
    /// <summary>Beyond <see cref="ExactUpTo"/>: the size of the uniform random sample (reservoir) that quantiles come from.</summary>
    public int SampleSize { get; init; } = 100_000;
    /// <summary>The seed of the sampler: the same file gives the same profile.</summary>
    public int Seed { get; init; } = 42;
    public int HistogramBins { get; init; } = 20;
}

/// <summary>A numeric column's profile. Quantiles are exact, or carry their rank-error bound.</summary>
public sealed record NumericSummary(
    long Count, double Min, double Max, double Mean, double StandardDeviation,
    IReadOnlyDictionary<string, double> Quantiles, bool ExactQuantiles, double? QuantileRankError, double? QuantileConfidence,
    IReadOnlyList<HistogramBin> Histogram);

/// <summary>One histogram bin, [Low, High) except the last, which includes High. Counts from a sample are scaled estimates.</summary>
public sealed record HistogramBin(double Low, double High, double Count);

/// <summary>
/// Accumulates a numeric column in one pass: count, min, max, mean and population standard deviation
/// (Welford), and the values for quantiles. Up to <see cref="QuantileOptions.ExactUpTo"/> values are
/// kept and quantiles are exact; past that, the kept values become a uniform reservoir sample of
/// <see cref="QuantileOptions.SampleSize"/> (Vitter's algorithm R), and quantiles come from it. By the
/// Dvoretzky–Kiefer–Wolfowitz inequality a uniform sample of k values has every quantile's rank within
/// ε of the true one with probability at least 1 − 2·exp(−2kε²): for k = 100,000, ε = 0.6 % at 99.8 %.
/// The profile states ε and the confidence next to the numbers.
/// </summary>
public sealed class NumericProfileBuilder(QuantileOptions options)
{
    private double[] _values = new double[Math.Max(1, Math.Min(1024, options.ExactUpTo))];
    private int _kept;
    private long _count;
    private double _mean, _m2;
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    private bool _sampling;
    private readonly Random _random = new(options.Seed);

    public long Count => _count;

    /// <summary>Adds a finite value (NaN and ±∞ are the caller's to count as missing).</summary>
    public void Add(double value)
    {
        _count++;
        var delta = value - _mean;
        _mean += delta / _count;
        _m2 += delta * (value - _mean);
        if (value < _min) _min = value;
        if (value > _max) _max = value;

        if (!_sampling)
        {
            if (_kept < options.ExactUpTo)
            {
                if (_kept == _values.Length)
                    Array.Resize(ref _values, Math.Min(_values.Length * 2, options.ExactUpTo));
                _values[_kept++] = value;
                return;
            }
            StartSampling();
        }
        AddToSample(value);
    }

    /// <summary>Turns the kept values into a uniform sample of SampleSize (partial Fisher–Yates).</summary>
    private void StartSampling()
    {
        _sampling = true;
        var k = Math.Min(options.SampleSize, _kept);
        for (var i = 0; i < k; i++)
        {
            var j = _random.Next(i, _kept);
            (_values[i], _values[j]) = (_values[j], _values[i]);
        }
        _kept = k;
        if (_values.Length > k) Array.Resize(ref _values, k);
    }

    private void AddToSample(double value)
    {
        // Algorithm R: the n-th value replaces a random slot with probability k/n.
        var j = _random.NextInt64(_count);
        if (j < _kept) _values[j] = value;
    }

    public NumericSummary? Build()
    {
        if (_count == 0) return null;
        var sorted = _values.AsSpan(0, _kept).ToArray();
        Array.Sort(sorted);
        var quantiles = new Dictionary<string, double>
        {
            ["p01"] = Quantile(sorted, 0.01), ["p05"] = Quantile(sorted, 0.05), ["p25"] = Quantile(sorted, 0.25),
            ["p50"] = Quantile(sorted, 0.50), ["p75"] = Quantile(sorted, 0.75), ["p95"] = Quantile(sorted, 0.95),
            ["p99"] = Quantile(sorted, 0.99),
        };
        double? epsilon = null, confidence = null;
        if (_sampling)
        {
            // DKW: P(sup|F_k − F| > ε) ≤ 2·exp(−2kε²); report ε for 99.8 % confidence.
            confidence = 0.998;
            epsilon = Math.Sqrt(Math.Log(2 / (1 - confidence.Value)) / (2.0 * _kept));
        }
        return new NumericSummary(_count, _min, _max, _mean, Math.Sqrt(_m2 / _count), quantiles, !_sampling, epsilon, confidence,
            Histogram(sorted, _sampling ? (double)_count / _kept : 1));
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default, "linear").</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    private List<HistogramBin> Histogram(double[] sorted, double scale)
    {
        var bins = Math.Max(1, options.HistogramBins);
        if (_min == _max) return [new HistogramBin(_min, _max, sorted.Length * scale)];
        var width = (_max - _min) / bins;
        var counts = new double[bins];
        foreach (var v in sorted)
            counts[Math.Min(bins - 1, (int)((v - _min) / width))]++;
        return Enumerable.Range(0, bins).Select(i => new HistogramBin(_min + i * width, i == bins - 1 ? _max : _min + (i + 1) * width, counts[i] * scale)).ToList();
    }
}
