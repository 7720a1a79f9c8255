using Bunit;
using MlopsPortal.Core.Drift;
using MlopsPortal.Web.Components.Pages.Drift;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Drift;

/// <summary>
/// The drift report and alert in words: verdicts that cannot contradict each other, every category labelled and new ones
/// named, drifted features by name with their tests by name (the demo's credit-risk report, as the engine writes it).
/// </summary>
public sealed class DriftComponentTests
{
    /// <summary>The demo's report behind the High alert: scores shifted, 2 of 6 features drifted (below the 50 % share).</summary>
    private const string Report = """
        {"columns":[
          {"column":"income","type":"numeric","test":"wassersteinNormed","score":0.5422,"threshold":0.1,"thresholdMeaning":"Wasserstein distance / reference std ≥ threshold","drifted":true,
           "statistics":{"ks":{"statistic":0.27375,"pValue":2.19e-88},"wassersteinNormed":0.5422,"psi":0.425,"jensenShannon":0.2258},"rowsReference":4000,"rowsCurrent":2000,
           "quality":{"missingReference":0,"missingCurrent":0,"outOfRange":169,"unseenCategories":[],"unseenCategoryCount":0},
           "bins":{"labels":["1.05E+04–2.761E+04","2.761E+04–4.471E+04","4.471E+04–6.182E+04"],"reference":[0.2,0.5,0.3],"current":[0.4,0.4,0.2],"edges":[10500,27607.14,44714.29,61821.43]}},
          {"column":"region","type":"categorical","test":"jensenShannon","score":0.308,"threshold":0.1,"thresholdMeaning":"Jensen–Shannon distance ≥ threshold","drifted":true,
           "statistics":{"psi":2.0029,"jensenShannon":0.308,"chiSquare":{"statistic":"Infinity","pValue":0}},"rowsReference":4000,"rowsCurrent":2000,
           "quality":{"missingReference":0,"missingCurrent":0,"outOfRange":0,"unseenCategories":["central"],"unseenCategoryCount":1},
           "bins":{"labels":["central","east","north","south","west","islands"],"reference":[0,0.24,0.26,0.26,0.22,0.02],"current":[0.247,0.195,0.182,0.183,0.193,0],"edges":null}},
          {"column":"age","type":"numeric","test":"wassersteinNormed","score":0.0191,"threshold":0.1,"thresholdMeaning":"…","drifted":false,
           "statistics":{"wassersteinNormed":0.0191},"rowsReference":4000,"rowsCurrent":2000,
           "quality":{"missingReference":0,"missingCurrent":0,"outOfRange":0,"unseenCategories":[],"unseenCategoryCount":0},"bins":null}],
         "driftedShare":0.3333,"datasetDrift":false,"driftedShareThreshold":0.5,"skipped":[],"missingInCurrent":[],"typeViolations":{},
         "prediction":{"column":"score","type":"numeric","test":"wassersteinNormed","score":0.2597,"threshold":0.1,"thresholdMeaning":"…","drifted":true,
           "statistics":{"wassersteinNormed":0.2597},"rowsReference":4000,"rowsCurrent":2000,
           "quality":{"missingReference":0,"missingCurrent":0,"outOfRange":0,"unseenCategories":[],"unseenCategoryCount":0},
           "bins":{"labels":["0.009–0.08","0.08–0.15"],"reference":[0.6,0.4],"current":[0.4,0.6],"edges":[0.0094,0.08,0.15]}},
         "predictionNote":null}
        """;

    private static readonly DriftReportRecord Record = new()
    {
        Id = Guid.NewGuid(), Report = Report, DatasetDrift = false, DriftedShare = 2 / 6.0, DriftedColumns = 2, JudgedColumns = 6,
    };

    [Fact]
    public async Task ShouldSayPredictionDriftAndTheFeatureCount_NotNoDatasetDrift_WhenOnlyTheScoresShifted()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<DriftVerdicts>(p => p.Add(v => v.Record, Record).Add(v => v.View, DriftReportView.Parse(Report)));

        cut.Find("[data-testid=prediction-verdict]").TextContent.ShouldContain("Prediction drift: yes — scores shifted");
        var features = cut.Find("[data-testid=dataset-verdict]").TextContent;
        features.ShouldContain("Feature drift: 2 of 6 features (below the 50 % share that marks the whole dataset as drifted)");
        features.ShouldContain("income, region");
        cut.Markup.ShouldNotContain("No dataset drift", Case.Insensitive);
        cut.Markup.ShouldNotContain("wassersteinNormed");
        cut.Find("[data-testid=prediction-verdict]").TextContent.ShouldContain("Wasserstein distance (normed)");
    }

    [Fact]
    public async Task ShouldLabelEveryCategory_AndMarkTheNewAndTheGoneOnes()
    {
        await using var ctx = MudContext.Create();
        var region = DriftReportView.Parse(Report).Columns.Single(c => c.Name == "region");
        var cut = ctx.Render<DriftHistogram>(p => p.Add(h => h.Column, region.Name).Add(h => h.Bins, region.Bins));

        var labels = cut.FindAll("svg text").Select(t => t.TextContent).ToList();
        labels.ShouldBe(["central (new)", "east", "north", "south", "west", "islands (gone)"]);
        // The shares also in a table for screen readers, one row per category.
        cut.FindAll("table.visually-hidden tbody tr").Count.ShouldBe(6);
        cut.Find("table.visually-hidden").TextContent.ShouldContain("24.7 %");
    }

    [Fact]
    public async Task ShouldWriteNumericBinsWithoutScientificNotation()
    {
        await using var ctx = MudContext.Create();
        var income = DriftReportView.Parse(Report).Columns.Single(c => c.Name == "income");
        var cut = ctx.Render<DriftHistogram>(p => p.Add(h => h.Column, income.Name).Add(h => h.Bins, income.Bins));

        var axis = cut.FindAll("svg text").Select(t => t.TextContent).ToList();
        axis.ShouldBe(["10.5k", "27.6k", "44.7k", "61.8k"]);
        cut.Markup.ShouldNotContain("E+0");
        cut.Find("table.visually-hidden").TextContent.ShouldContain("10,500 to 27,607");
    }

    [Fact]
    public async Task ShouldNameNewAndMissingCategories_InAColumnsDetail()
    {
        await using var ctx = MudContext.Create();
        var region = DriftReportView.Parse(Report).Columns.Single(c => c.Name == "region");
        var cut = ctx.Render<DriftColumnDetail>(p => p.Add(d => d.Column, region));

        cut.Find("[data-testid=new-categories]").TextContent.ShouldContain("central");
        cut.Find("[data-testid=gone-categories]").TextContent.ShouldContain("islands");
        cut.Markup.ShouldContain("Population stability index");
        cut.Markup.ShouldContain("Chi-square statistic");
        cut.Markup.ShouldNotContain("e-88"); // p-values below 0.0001 read "< 0.0001"
    }

    [Fact]
    public async Task ShouldListEveryFeatureMostDriftedFirstWithItsTestCategoriesOverlayAndTrend_OnTheAlert()
    {
        await using var ctx = MudContext.Create();
        var alert = new DriftAlert { Id = Guid.NewGuid(), Cause = "prediction-drift", Summary = "credit-risk v1: scores shifted", LastReportId = Record.Id };
        var trends = new Dictionary<string, List<DriftTrendPoint>>
        {
            ["income"] = [new(Guid.NewGuid(), DateTime.UtcNow.AddDays(-2), 0.02, false), new(Guid.NewGuid(), DateTime.UtcNow.AddDays(-1), 0.3, true), new(Record.Id, DateTime.UtcNow, 0.5422, true)],
            [DriftService.PredictionTrendKey] = [new(Guid.NewGuid(), DateTime.UtcNow.AddDays(-1), 0.05, false), new(Record.Id, DateTime.UtcNow, 0.2597, true)],
        };
        var cut = ctx.Render<AlertDriftCard>(p => p.Add(c => c.Alert, alert).Add(c => c.Report, Record).Add(c => c.View, DriftReportView.Parse(Report)).Add(c => c.Trends, trends));

        var rows = cut.FindAll("[data-testid=alert-feature-row]");
        // The scores in their own row, then every feature in the report's order: drifted first, furthest past the threshold first.
        rows.Select(r => (r.GetAttribute("data-kind"), r.GetAttribute("data-column"), r.GetAttribute("data-verdict"))).ShouldBe(
            [("prediction", "score", "drift"), ("feature", "income", "drift"), ("feature", "region", "drift"), ("feature", "age", "no drift")]);
        rows[0].TextContent.ShouldContain("The model's scores");
        rows[1].TextContent.ShouldContain("Wasserstein distance (normed)");
        rows[1].TextContent.ShouldContain("0.5422");
        rows[1].TextContent.ShouldContain("threshold 0.1000");
        rows[1].TextContent.ShouldContain("169 values outside the reference range");
        rows[2].TextContent.ShouldContain("Jensen–Shannon distance");
        rows[2].QuerySelector("[data-testid=alert-new-categories]")!.TextContent.ShouldBe("1 new category: central");
        rows[2].QuerySelector("[data-testid=alert-gone-categories]")!.TextContent.ShouldBe("1 missing category: islands");
        // Reference and current overlaid in one small chart per feature with bins, with a text alternative.
        rows[2].QuerySelector("[data-testid=drift-overlay]")!.GetAttribute("aria-label")!.ShouldContain("central (new), 0 % → 24.7 %");
        rows[3].QuerySelector("[data-testid=drift-overlay]").ShouldBeNull();
        // The feature's drift over the last reports, with the threshold; a feature with fewer than two reports says so.
        rows[1].QuerySelector("[data-testid=drift-sparkline]")!.GetAttribute("aria-label").ShouldBe(
            "income: Wasserstein distance (normed) over the last 3 reports: from 0.0200 to 0.5422, threshold 0.1000");
        rows[0].QuerySelector("[data-testid=drift-sparkline]").ShouldNotBeNull();
        rows[3].QuerySelector("[data-testid=drift-sparkline]").ShouldBeNull();
        cut.Markup.ShouldNotContain("wassersteinNormed");
        cut.Find("[data-testid=alert-report-link]").GetAttribute("href").ShouldBe($"/drift-reports/{Record.Id}");
    }

    [Fact]
    public void ShouldKeepEveryTrainingAndDriftComponentSmall()
    {
        // Pages stay thin (docs/architecture.md, "Pages"): a component whose code passes ~150 lines moves it to a
        // code-behind file or splits into children. The version page once held 325 lines.
        var root = Path.Combine(MlopsPortal.Testing.RepositoryRoot.Path, "src", "MlopsPortal.Web", "Components", "Pages");
        foreach (var file in new[] { "Training", "Drift" }.SelectMany(f => Directory.GetFiles(Path.Combine(root, f), "*.razor")))
        {
            var lines = File.ReadAllLines(file);
            var code = Array.FindIndex(lines, l => l.StartsWith("@code", StringComparison.Ordinal));
            (code < 0 ? 0 : lines.Length - code).ShouldBeLessThanOrEqualTo(150, Path.GetFileName(file));
            lines.Length.ShouldBeLessThanOrEqualTo(200, Path.GetFileName(file));
        }
    }
}
