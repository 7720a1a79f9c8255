using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Exports;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Tests.ModelRegistry;

public sealed class DataContractCheckTests
{
    private static SchemaColumn Column(string name, string type, bool nullable = false, List<string>? categories = null, double? min = null, double? max = null) =>
        new(name, type, nullable, categories, min, max, null, null);

    [Theory]
    [InlineData("float", "integer", true)]
    [InlineData("categorical", "boolean", true)]
    [InlineData("integer", "float", false)]
    [InlineData("datetime", "text", false)]
    public void ShouldAcceptOnlyWideningTypes_WhenTypesDiffer(string expected, string actual, bool ok) =>
        DataContractCheck.Check([new ContractColumn("x", expected, Nullable: true)], [Column("x", actual)]).Count.ShouldBe(ok ? 0 : 1);

    [Fact]
    public void ShouldIgnoreExtraColumns_WhenTheDatasetHasMore() =>
        DataContractCheck.Check([new ContractColumn("a", "integer")], [Column("a", "integer"), Column("b", "text")]).ShouldBeEmpty();

    [Fact]
    public void ShouldReportBothEnds_WhenValuesFallOutsideTheRange()
    {
        var violations = DataContractCheck.Check([new ContractColumn("age", "integer", Min: 18, Max: 99)], [Column("age", "integer", min: 16, max: 120)]);
        violations.Select(v => v.Message).ShouldBe(
            ["Column 'age' has values below the minimum 18 (lowest: 16).", "Column 'age' has values above the maximum 99 (highest: 120)."]);
    }

    [Fact]
    public void ShouldListAtMostTenUnseenCategories_WhenManyAreNew()
    {
        var seen = Enumerable.Range(0, 15).Select(i => $"c{i}").ToList();
        var message = DataContractCheck.Check([new ContractColumn("k", "categorical", Categories: ["a"])], [Column("k", "categorical", categories: seen)]).Single().Message;
        message.ShouldContain("'c9'");
        message.ShouldNotContain("'c10'");
        message.ShouldContain("and 5 more");
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1 call me", "\"'+1 call me\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("-x", "\"'-x\"")]
    [InlineData("-3.5", "-3.5")]
    [InlineData("42", "42")]
    [InlineData("plain", "\"plain\"")]
    [InlineData("", "\"\"")]
    public void ShouldNeutraliseFormulasButKeepNumbers_WhenWritingExportCells(string value, string expected) =>
        CsvCells.Value(value).ShouldBe(expected);
}
