using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Engine.Tests.Drift;

/// <summary>
/// Each branch of the two-sample KS p-value against scipy 1.10.1's values (printed with repr by scipy itself): the exact
/// equal-size and band methods, the fallback, and every algorithm behind the Kolmogorov distribution.
/// </summary>
public sealed class KolmogorovSmirnovTests
{
    private static void Near(double actual, double expected, string what) =>
        (Math.Abs(actual - expected) <= 1e-6 || Math.Abs(actual - expected) <= 1e-4 * Math.Abs(expected))
            .ShouldBeTrue($"{what}: {actual:R} against scipy's {expected:R}");

    [Theory]
    [InlineData(10, 10, 0.4, 0.41752365281777043)]
    [InlineData(100, 100, 0.5, 1.0024645454361508e-11)]
    [InlineData(5000, 5000, 0.03, 0.022212962837199774)]
    [InlineData(1, 1, 1.0, 1.0)]
    [InlineData(7, 7, 0.14285714285714285, 0.9999609537692629)] // the equal-size formula rounds above 1: scipy falls back
    [InlineData(3, 5, 0.6, 0.4642857142857143)]
    [InlineData(1, 5, 1.0, 0.3333333333333333)]
    [InlineData(1, 5, 0.2, 1.0)]
    [InlineData(7, 13, 0.4505494505494505, 0.23111455108359139)]
    [InlineData(100, 150, 0.2, 0.014781614342211473)]
    [InlineData(64, 37, 0.3, 0.02213747032495822)]
    [InlineData(2000, 3000, 0.05, 0.004836257555649373)]
    [InlineData(9999, 10000, 0.02, 0.03589605170521495)]
    [InlineData(10000, 3, 0.6666, 0.07420753474787736)]
    [InlineData(1, 20000, 0.50005, 0.9999)]
    public void ShouldMatchScipysTwoSamplePValue(int n1, int n2, double d, double expected) =>
        Near(KolmogorovSmirnovTest.TwoSample(n1, n2, d).PValue, expected, $"ks_2samp({n1}, {n2}, D={d})");

    [Fact]
    public void ShouldSnapTheStatisticToTheLattice_OnTheExactPath() =>
        KolmogorovSmirnovTest.TwoSample(64, 37, 0.3).Statistic.ShouldBe(0.2998310810810811, 1e-15);

    [Theory]
    [InlineData(100, 0.004, 1.0)]
    [InlineData(3, 0.3, 0.8862222222222222)]
    [InlineData(1000, 0.0009, 1.0)]
    [InlineData(10, 0.95, 1.9531250000000172e-13)]
    [InlineData(50, 0.6, 9.634070456142374e-18)]
    [InlineData(100, 0.05, 0.9532159710635725)]
    [InlineData(5, 0.3, 0.664)]
    [InlineData(100, 0.15, 0.019839242125643017)]
    [InlineData(20, 0.3, 0.04306706665851623)]
    [InlineData(140, 0.1, 0.11353657290090946)]
    [InlineData(100, 0.25, 5.408871776434847e-06)]
    [InlineData(30, 0.45, 4.60170836663682e-06)]
    [InlineData(150, 0.044, 0.9210729270405792)]
    [InlineData(1000, 0.012, 0.9984464668620097)]
    [InlineData(5000, 0.015, 0.20846142096186204)]
    [InlineData(200, 0.08, 0.1463961356372503)]
    [InlineData(5000, 0.025, 0.0037948405200437306)]
    [InlineData(6667, 0.028816666666666657, 3.0423326018779864e-05)]
    [InlineData(5000, 0.28, 0.0)]
    [InlineData(200000, 0.002, 0.39995085369038097)]
    [InlineData(500000, 0.003, 0.00024632301239186754)]
    [InlineData(2000000, 0.0012, 0.006297183259583361)]
    public void ShouldMatchScipysKolmogorovDistribution_OnEveryBranch(int n, double x, double expected) =>
        Near(KolmogorovSmirnovTest.KolmogorovSf(n, x), expected, $"kstwo.sf({x}, {n})");

    [Theory]
    [InlineData(100, 0.25, 2.7044358882174237e-06)]
    [InlineData(1000, 0.05, 0.006506037390545166)]
    [InlineData(10000, 0.02, 0.00033084243196936547)]
    [InlineData(100000, 0.005, 0.006715412488899804)]
    [InlineData(900935, 0.0030330803516747055, 6.310330937788647e-08)]
    [InlineData(1000000, 0.002, 0.0003350138551835359)]
    public void ShouldMatchScipysSmirnov_ToTenDigits(int n, double x, double expected) =>
        KolmogorovSmirnovTest.Smirnov(n, x).ShouldBe(expected, Math.Abs(expected) * 1e-9);

    [Fact]
    public void ShouldGiveOne_ForIdenticalSamples_AndRefuseAnEmptyOne()
    {
        DriftStatistics.KolmogorovSmirnov([1, 2, 2, 3], [1, 2, 2, 3]).PValue.ShouldBe(1.0);
        Should.Throw<ArgumentException>(() => DriftStatistics.KolmogorovSmirnov([1.0], []));
    }

    [Fact]
    public void ShouldMatchScipy_OnSamplesWithTies()
    {
        var a = Enumerable.Range(0, 30).Select(i => (double)(i % 5)).Order().ToArray();
        var b = Enumerable.Range(0, 45).Select(j => (double)(j % 7)).Order().ToArray();
        var r = DriftStatistics.KolmogorovSmirnov(a, b);
        r.Statistic.ShouldBe(0.26666666666666666, 1e-15);
        Near(r.PValue, 0.13675668638425742, "ties");
    }
}
