using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Tests.Datasets;

public sealed class DatasetProfilerTests
{
    [Fact]
    public void ShouldProfileCompas_WhenTheShippedFileIsRead()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "compas", "compas-two-years.csv"));
        var profile = DatasetProfiler.Profile(stream);
        profile.Rows.ShouldBe(7214);
        profile.Columns.Count.ShouldBe(49);
        var age = profile.Columns.Single(c => c.Name == "age");
        age.Type.ShouldBe(ColumnType.Integer);
        age.Numeric!.Min.ShouldBe(18);
        age.Numeric.Max.ShouldBe(96);
        age.Numeric.ExactQuantiles.ShouldBeTrue();
        var race = profile.Columns.Single(c => c.Name == "race");
        race.Categories.Sum(c => c.Value).ShouldBe(7214);
        race.Categories[0].Key.ShouldBe("African-American");
        var jailIn = profile.Columns.Single(c => c.Name == "c_jail_in");
        jailIn.MinDatetime.ShouldNotBeNull();
        jailIn.MissingRate.ShouldBeGreaterThan(0);
        profile.Warnings.Count.ShouldBe(2);
    }

    [Fact]
    public void ShouldDropNonFiniteValuesFromStatistics_WhenAColumnHasThem()
    {
        var profile = DatasetProfiler.Profile(new MemoryStream(Encoding.UTF8.GetBytes("x\n1\ninf\n3\nNaN\n")));
        var x = profile.Columns.Single();
        x.Type.ShouldBe(ColumnType.Float);
        x.Numeric!.Count.ShouldBe(2);
        x.Numeric.Mean.ShouldBe(2);
        x.Missing.ShouldBe(1); // "NaN" is a missing token; "inf" is a value, left out of the statistics
    }
}
