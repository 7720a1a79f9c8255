using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Engine.Tests.Drift;

/// <summary>The choice of test per column (each default branch), overrides that touch one column only, and degenerate inputs.</summary>
public sealed class DriftAnalysisTests
{
    private static NumericSample Numbers(string name, int n, Func<int, double> value) => new(name, Enumerable.Range(0, n).Select(value).ToArray());

    private static CategoricalSample Categories(string name, int n, Func<int, string?> value) => CategoricalSample.FromValues(name, Enumerable.Range(0, n).Select(value));

    [Theory]
    [InlineData(500, 50, "ks")]
    [InlineData(500, 4, "chiSquare")]
    [InlineData(500, 2, "zTest")]
    [InlineData(5000, 50, "wassersteinNormed")]
    [InlineData(5000, 4, "jensenShannon")]
    public void ShouldChooseEvidentlysDefaultTest_ByReferenceSizeAndDistinctValues(int referenceRows, int distinct, string expected)
    {
        var result = DriftAnalysis.CompareColumn(Numbers("x", referenceRows, i => i % distinct), Numbers("x", 300, i => (i + 1) % distinct), new DriftOptions());
        result.Test.ShouldBe(expected);
        result.Threshold.ShouldBe(DriftTests.DefaultThreshold(expected));
    }

    [Theory]
    [InlineData(500, "chiSquare")]
    [InlineData(5000, "jensenShannon")]
    public void ShouldChooseForCategories_ByReferenceSize(int referenceRows, string expected) =>
        DriftAnalysis.CompareColumn(Categories("c", referenceRows, i => $"v{i % 3}"), Categories("c", 300, i => $"v{i % 3}"), new DriftOptions()).Test.ShouldBe(expected);

    [Fact]
    public void ShouldApplyAnOverride_ToItsColumnOnly()
    {
        var reference = new DriftSample[] { Numbers("a", 5000, i => i % 100), Numbers("b", 5000, i => i % 100) };
        var current = new DriftSample[] { Numbers("a", 5000, i => i % 100 + 3), Numbers("b", 5000, i => i % 100 + 3) };
        var options = new DriftOptions { Overrides = new Dictionary<string, DriftOverride> { ["a"] = new("psi", 0.5) } };
        var result = DriftAnalysis.Compare(reference, current, options);
        var a = result.Columns.Single(c => c.Column == "a");
        var b = result.Columns.Single(c => c.Column == "b");
        (a.Test, a.Threshold).ShouldBe(("psi", 0.5));
        (b.Test, b.Threshold).ShouldBe(("wassersteinNormed", 0.1));
        a.Score.ShouldBe(a.Statistics.Psi);
    }

    [Fact]
    public void ShouldGiveDefinedResults_ForConstantEmptyAndNewCategoryColumns()
    {
        var constant = DriftAnalysis.CompareColumn(Numbers("k", 200, _ => 7), Numbers("k", 200, _ => 7), new DriftOptions());
        (constant.Test, constant.Drifted, constant.Statistics.ZTest!.PValue).ShouldBe(("zTest", false, 1.0));

        var empty = DriftAnalysis.CompareColumn(new NumericSample("e", [double.NaN, double.NaN]), new NumericSample("e", [1, 2]), new DriftOptions());
        (empty.Drifted, empty.Verdict, empty.Score).ShouldBe((null, "insufficient", null));

        var fresh = DriftAnalysis.CompareColumn(Categories("c", 300, i => i % 2 == 0 ? "a" : "b"), Categories("c", 300, i => i % 3 == 0 ? "new" : "a"), new DriftOptions());
        fresh.Statistics.ChiSquare!.Statistic.ShouldBe(double.PositiveInfinity);
        fresh.Drifted.ShouldBe(true);
        fresh.Quality.UnseenCategories.ShouldBe(["new"]);

        var one = DriftAnalysis.CompareColumn(Numbers("x", 300, i => i), Numbers("x", 1, _ => 3), new DriftOptions());
        (one.Drifted, one.Verdict).ShouldBe((null, "insufficient"));
        one.Statistics.Ks.ShouldNotBeNull();
    }

    [Fact]
    public void ShouldCallTheDatasetDrifted_FromTheShareOfJudgedColumns()
    {
        var reference = new DriftSample[] { Numbers("a", 500, i => i), Numbers("b", 500, i => i), Numbers("c", 500, i => i) };
        var current = new DriftSample[] { Numbers("a", 500, i => i + 400), Numbers("b", 500, i => i), Numbers("c", 50, i => i) };
        var result = DriftAnalysis.Compare(reference, current);
        result.Columns.Select(c => c.Verdict).ShouldBe(["drift", "no drift", "insufficient"]);
        result.DriftedShare.ShouldBe(0.5);
        result.DatasetDrift.ShouldBe(true, "a half of the judged columns reaches the default share of 0.5");
        DriftAnalysis.Compare(reference, current, new DriftOptions { DriftedShareThreshold = 0.6 }).DatasetDrift.ShouldBe(false);
    }

    [Fact]
    public void ShouldListSkippedColumns_InTheContractJson()
    {
        var result = DriftAnalysis.Compare([Numbers("a", 200, i => i)], [Numbers("a", 200, i => i)], skipped: ["notes", "when"]);
        var json = DriftJson.From(result);
        json.Columns.Select(c => c["column"]).ShouldBe(["a", "notes", "when"]);
        json.Columns[1]["skipped"].ShouldBe(true);
    }
}
