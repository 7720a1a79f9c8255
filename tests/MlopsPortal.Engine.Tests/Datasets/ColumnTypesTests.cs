using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Tests.Datasets;

public sealed class ColumnTypesTests
{
    private static string DataFile(string relative) => Path.Combine(AppContext.BaseDirectory, "data", relative);

    private static Dictionary<string, InferredColumn> Infer(string relative)
    {
        using var stream = File.OpenRead(DataFile(relative));
        return CsvTypeScan.Infer(stream).Columns.ToDictionary(c => c.Name);
    }

    [Fact]
    public void ShouldInferTypesAndMissingCounts_WhenUciAdultTrainIsScanned()
    {
        var columns = Infer("adult/adult.data");
        columns["age"].Type.ShouldBe(ColumnType.Integer);
        columns["fnlwgt"].Type.ShouldBe(ColumnType.Integer);
        columns["workclass"].Type.ShouldBe(ColumnType.Categorical);
        // The UCI documentation's counts of "?" in the training file.
        columns["workclass"].Missing.ShouldBe(1836);
        columns["occupation"].Missing.ShouldBe(1843);
        columns["native-country"].Missing.ShouldBe(583);
        columns["workclass"].Nullable.ShouldBeTrue();
        columns["age"].Nullable.ShouldBeFalse();
        columns["Y"].Categories.Select(c => c.Key).Order().ShouldBe(["<=50K", ">50K"]);
        columns["Y"].Categories.Sum(c => c.Value).ShouldBe(32561);
    }

    [Fact]
    public void ShouldInferDatetimesAndKeepHighCardinalityAsText_WhenCompasIsScanned()
    {
        var columns = Infer("compas/compas-two-years.csv");
        columns["id"].Type.ShouldBe(ColumnType.Integer);
        columns["c_jail_in"].Type.ShouldBe(ColumnType.Datetime);
        columns["compas_screening_date"].Type.ShouldBe(ColumnType.Datetime);
        columns["race"].Type.ShouldBe(ColumnType.Categorical);
        columns["race"].Categories.Count.ShouldBe(6);
        columns["c_case_number"].Type.ShouldBe(ColumnType.Text);
        columns["days_b_screening_arrest"].Nullable.ShouldBeTrue();
        columns["decile_score_2"].Type.ShouldBe(ColumnType.Integer);
    }

    [Theory]
    [InlineData("1\n2\n-3\n", ColumnType.Integer)]
    [InlineData("1\n2.5\n1e3\n", ColumnType.Float)]
    [InlineData("true\nFALSE\nyes\n", ColumnType.Boolean)]
    [InlineData("0\n1\n1\n", ColumnType.Integer)]
    [InlineData("2024-01-02\n2024-01-03T04:05:06Z\n", ColumnType.Datetime)]
    [InlineData("01/02/2024\n03/04/2024\n", ColumnType.Categorical)]
    [InlineData("NA\n?\n\n", ColumnType.Text)]
    public void ShouldPickTheNarrowestType_WhenEveryValueFitsIt(string cells, ColumnType expected)
    {
        var (columns, _, _) = CsvTypeScan.Infer(new MemoryStream(Encoding.UTF8.GetBytes("x\n" + cells.Replace("\n\n", "\nnull\n"))));
        columns.Single().Type.ShouldBe(expected);
    }

    [Fact]
    public void ShouldNotCountAQuotedEmptyStringAsMissing_WhenTheCellIsQuoted()
    {
        var (columns, rows, _) = CsvTypeScan.Infer(new MemoryStream("a,b\n\"\",1\n,2\n"u8.ToArray()));
        rows.ShouldBe(2);
        columns[0].Missing.ShouldBe(1);
    }
}
