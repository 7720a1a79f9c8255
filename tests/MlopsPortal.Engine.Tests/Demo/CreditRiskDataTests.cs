using MlopsPortal.Engine.Demo;

namespace MlopsPortal.Engine.Tests.Demo;

/// <summary>The demo dataset: reproducible, well-formed CSV, and the drift and bias the demo workspace relies on.</summary>
public sealed class CreditRiskDataTests
{
    private const string Header = "applicant_id,month,age,income,debt_ratio,employment,employment_years,region,gender";
    private static readonly string[] YesNo = ["yes", "no"];
    private static readonly string[] Employments = ["employed", "self-employed", "unemployed", "retired", "student"];
    private static readonly string[] TrainingRegions = ["north", "south", "east", "west"];
    private static readonly string[] Genders = ["female", "male"];

    private static string Csv(IEnumerable<CreditApplicant> rows, bool includeLabel = true)
    {
        using var writer = new StringWriter();
        CreditRiskData.WriteCsv(writer, rows, includeLabel);
        return writer.ToString();
    }

    private static double DefaultRate(IEnumerable<CreditApplicant> rows) => rows.Average(r => r.Defaulted ? 1.0 : 0.0);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[sorted.Length / 2] + sorted[(sorted.Length - 1) / 2]) / 2;
    }

    [Fact]
    public void ShouldWriteIdenticalCsv_WhenOptionsAreTheSame()
    {
        var options = new CreditRiskOptions { Month = "2026-02", IncomeShift = 0.7, NewRegionShare = 0.3 };

        Assert.Equal(Csv(CreditRiskData.Generate(options)), Csv(CreditRiskData.Generate(options with { })));
    }

    [Fact]
    public void ShouldGiveDifferentRowsAndDisjointKeys_WhenFirstApplicantNumberDiffers()
    {
        var january = CreditRiskData.Generate(new CreditRiskOptions());
        var february = CreditRiskData.Generate(new CreditRiskOptions { FirstApplicantNumber = 4001 });

        Assert.Equal("A0000001", january[0].ApplicantId);
        Assert.Equal("A0004000", january[^1].ApplicantId);
        Assert.Equal("A0004001", february[0].ApplicantId);
        Assert.Empty(january.Select(r => r.ApplicantId).Intersect(february.Select(r => r.ApplicantId)));
        Assert.Equal(4000, january.Select(r => r.ApplicantId).Distinct().Count());
        Assert.NotEqual(january.Select(r => r with { ApplicantId = "" }), february.Select(r => r with { ApplicantId = "" }));
    }

    [Fact]
    public void ShouldWriteExactHeaderAndOneLinePerRow_WhenLabelIsIncluded()
    {
        var csv = Csv(CreditRiskData.Generate(new CreditRiskOptions { Rows = 500, Month = "2026-03" }));

        Assert.DoesNotContain("\r", csv, StringComparison.Ordinal);
        Assert.EndsWith("\n", csv, StringComparison.Ordinal);
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(Header + ",defaulted", lines[0]);
        Assert.Equal(501, lines.Length);
        Assert.All(lines.Skip(1), line =>
        {
            var fields = line.Split(',');
            Assert.Equal(10, fields.Length);
            Assert.Equal("2026-03", fields[1]);
            Assert.Contains(fields[9], YesNo);
        });
    }

    [Fact]
    public void ShouldLeaveOutTheLabelColumn_WhenLabelIsExcluded()
    {
        var lines = Csv(CreditRiskData.Generate(new CreditRiskOptions { Rows = 200 }), includeLabel: false).TrimEnd('\n').Split('\n');

        Assert.Equal(Header, lines[0]);
        Assert.DoesNotContain(CreditRiskData.LabelColumn, lines[0].Split(','));
        Assert.Equal(201, lines.Length);
        Assert.All(lines, line => Assert.Equal(9, line.Split(',').Length));
    }

    [Fact]
    public void ShouldWriteKeyAndLabelOnly_WhenWritingOutcomes()
    {
        var rows = CreditRiskData.Generate(new CreditRiskOptions { Rows = 200 });
        using var writer = new StringWriter();
        CreditRiskData.WriteOutcomes(writer, rows);
        var lines = writer.ToString().TrimEnd('\n').Split('\n');

        Assert.Equal("applicant_id,defaulted", lines[0]);
        Assert.Equal(201, lines.Length);
        Assert.All(lines, line => Assert.Equal(2, line.Split(',').Length));
        Assert.Equal($"{rows[0].ApplicantId},{(rows[0].Defaulted ? "yes" : "no")}", lines[1]);
    }

    [Fact]
    public void ShouldKeepEveryValueInItsDomain_WhenGeneratingWithDefaults()
    {
        var rows = CreditRiskData.Generate(new CreditRiskOptions());

        Assert.Equal(4000, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.InRange(r.Age, 18, 75);
            Assert.InRange(r.Income, 15_000, 250_000);
            Assert.Equal(Math.Round(r.Income), r.Income);
            Assert.InRange(r.DebtRatio, 0, 1.5);
            Assert.InRange(r.EmploymentYears, 0, Math.Min(40, r.Age - 16));
            Assert.Contains(r.Employment, Employments);
            Assert.Contains(r.Region, TrainingRegions);
            Assert.Contains(r.Gender, Genders);
        });
        Assert.InRange(rows.Count(r => r.Gender == "female") / 4000.0, 0.45, 0.55);
        Assert.InRange(Median(rows.Select(r => r.Income)), 35_000, 55_000);
        Assert.DoesNotContain(CreditRiskData.SensitiveColumn, CreditRiskData.FeatureColumns);
        Assert.DoesNotContain("month", CreditRiskData.FeatureColumns);
    }

    [Fact]
    public void ShouldDefaultAtAPlausibleRate_WhenGeneratingWithDefaults()
    {
        Assert.InRange(DefaultRate(CreditRiskData.Generate(new CreditRiskOptions())), 0.12, 0.30);
    }

    [Fact]
    public void ShouldRecordMoreDefaultsForWomen_WhenTheHistoricalBiasApplies()
    {
        // +0.05 on each woman's probability; 20,000 rows keep the sampling error of the gap near 0.006.
        var rows = CreditRiskData.Generate(new CreditRiskOptions { Rows = 20_000 });

        var female = DefaultRate(rows.Where(r => r.Gender == "female"));
        var male = DefaultRate(rows.Where(r => r.Gender == "male"));
        Assert.InRange(female - male, 0.03, 0.07);
    }

    [Fact]
    public void ShouldDefaultMoreOften_WhenDebtRatioIsInTheTopQuartile()
    {
        var byDebt = CreditRiskData.Generate(new CreditRiskOptions()).OrderBy(r => r.DebtRatio).ToList();

        var bottom = DefaultRate(byDebt.Take(1000));
        var top = DefaultRate(byDebt.TakeLast(1000));
        Assert.True(top > bottom + 0.1, $"top quartile {top:F3} against bottom {bottom:F3}");
    }

    [Fact]
    public void ShouldLowerMedianIncomeAndNothingElse_WhenIncomeShiftIsBelowOne()
    {
        var baseline = CreditRiskData.Generate(new CreditRiskOptions());
        var drifted = CreditRiskData.Generate(new CreditRiskOptions { IncomeShift = 0.7 });

        var drop = 1 - Median(drifted.Select(r => r.Income)) / Median(baseline.Select(r => r.Income));
        Assert.InRange(drop, 0.20, 0.40);
        Assert.Equal(baseline.Select(r => r with { Income = 0 }), drifted.Select(r => r with { Income = 0 }));
    }

    [Theory]
    [InlineData(0.3, 0.20, 0.40)]
    [InlineData(0.0, 0.0, 0.0)]
    public void ShouldPutTheRequestedShareInRegionCentral_WhenNewRegionShareIsSet(double share, double low, double high)
    {
        var rows = CreditRiskData.Generate(new CreditRiskOptions { NewRegionShare = share });

        Assert.InRange(rows.Count(r => r.Region == "central") / (double)rows.Count, low, high);
    }
}
