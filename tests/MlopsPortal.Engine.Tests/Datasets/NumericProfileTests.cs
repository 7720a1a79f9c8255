using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Tests.Datasets;

public sealed class NumericProfileTests
{
    [Fact]
    public void ShouldMatchNumpyStatistics_WhenTheColumnIsSmall()
    {
        var builder = new NumericProfileBuilder(new QuantileOptions { HistogramBins = 4 });
        foreach (var v in new double[] { 1, 2, 3, 4, 10 }) builder.Add(v);
        var s = builder.Build()!;
        (s.Count, s.Min, s.Max, s.Mean).ShouldBe((5L, 1.0, 10.0, 4.0));
        s.StandardDeviation.ShouldBe(Math.Sqrt(10.0), 1e-12); // population (ddof = 0), as numpy.std
        s.Quantiles["p25"].ShouldBe(2.0);                       // numpy.quantile(..., 0.25) = 2.0
        s.Quantiles["p95"].ShouldBe(8.8, 1e-12);                // 4 + (10 − 4) · 0.8
        s.ExactQuantiles.ShouldBeTrue();
        s.QuantileRankError.ShouldBeNull();
        s.Histogram.Sum(b => b.Count).ShouldBe(5);
        s.Histogram[^1].High.ShouldBe(10.0);
    }

    [Fact]
    public void ShouldSampleWithinTheStatedRankError_WhenTheColumnPassesTheExactLimit()
    {
        var options = new QuantileOptions { ExactUpTo = 10_000, SampleSize = 5_000 };
        var builder = new NumericProfileBuilder(options);
        const int n = 200_000;
        // A shuffled 0..n−1: the true q-quantile is q·(n−1).
        var values = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        new Random(7).Shuffle(values);
        foreach (var v in values) builder.Add(v);
        var s = builder.Build()!;
        s.ExactQuantiles.ShouldBeFalse();
        s.QuantileRankError.ShouldNotBeNull();
        s.Count.ShouldBe(n);
        s.Mean.ShouldBe((n - 1) / 2.0, 1e-6);
        foreach (var (key, q) in new[] { ("p05", 0.05), ("p50", 0.5), ("p95", 0.95) })
            Math.Abs(s.Quantiles[key] / (n - 1) - q).ShouldBeLessThan(s.QuantileRankError!.Value);
        s.Histogram.Sum(b => b.Count).ShouldBe(n, 1e-6);
    }

    [Fact]
    public void ShouldGiveTheSameProfile_WhenTheSameValuesArriveTwice()
    {
        NumericSummary Profile()
        {
            var b = new NumericProfileBuilder(new QuantileOptions { ExactUpTo = 100, SampleSize = 50 });
            for (var i = 0; i < 10_000; i++) b.Add(i % 977);
            return b.Build()!;
        }
        Profile().Quantiles.ShouldBe(Profile().Quantiles);
    }

    [Fact]
    public void ShouldReturnNothing_WhenTheColumnHasNoValues() =>
        new NumericProfileBuilder(new QuantileOptions()).Build().ShouldBeNull();
}
