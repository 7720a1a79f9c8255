using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Models;

/// <summary>Reason codes: contributions that add up to the margin where the method is additive, and the top K per row.</summary>
public sealed class ReasonCodeTests
{
    private static readonly string Compas = Path.Combine(AppContext.BaseDirectory, "data", "compas", "compas-two-years.csv");
    private static readonly string[] Features = ["sex", "age", "race", "juv_fel_count", "priors_count"];

    private static (ModelManifest Manifest, IScoringModel Model, EncodedTable Table) Trained(string engine)
    {
        var result = Trainer.Train(() => File.OpenRead(Compas), new TrainingRequest("two_year_recid", Features,
            new Dictionary<string, string> { ["objective"] = "binary:logistic", [Trainer.RoundsParameter] = "20" }.Where(p => engine == ModelEngines.XGBoost || p.Key != Trainer.RoundsParameter).ToDictionary(),
            42, new string('c', 64), Engine: engine));
        var (manifest, model) = ScoringModels.Load(new MemoryStream(result.Package));
        using var data = File.OpenRead(Compas);
        return (manifest, model, FeatureEncoder.Encode(data, manifest.Features, label: null));
    }

    /// <summary>TreeSHAP (XGBoost) and coefficient × value (the logistic regression) add up to the log-odds with the bias.</summary>
    [Theory]
    [InlineData(ModelEngines.XGBoost)]
    [InlineData(ModelEngines.Logistic)]
    public void ShouldAddUpToTheMarginWithTheBias_WhenTheMethodIsAdditive(string engine)
    {
        var (_, model, table) = Trained(engine);
        using (model)
        {
            const int rows = 500;
            var probabilities = model.Predict(table);
            var contributions = model.Explain(table.Values.AsSpan(0, rows * table.Columns), rows, table.Columns)!;
            contributions.Additive.ShouldBeTrue();
            for (var r = 0; r < rows; r++)
            {
                var sum = contributions.Values.AsSpan(r * (table.Columns + 1), table.Columns + 1).ToArray().Sum(v => (double)v);
                var margin = Math.Log(probabilities[r] / (1.0 - probabilities[r]));
                sum.ShouldBe(margin, 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(ModelEngines.FastTree)]
    [InlineData(ModelEngines.LightGbm)]
    public void ShouldSayTheContributionsOnlyRank_WhenAnMlNetTreeModelExplains(string engine)
    {
        var (_, model, table) = Trained(engine);
        using (model)
        {
            var contributions = model.Explain(table.Values.AsSpan(0, 10 * table.Columns), 10, table.Columns)!;
            contributions.Additive.ShouldBeFalse();
            contributions.Values.Take(table.Columns).Any(v => v != 0).ShouldBeTrue();
        }
    }

    [Fact]
    public void ShouldSumOneHotColumnsAndOrderByStrength_WhenPickingTheTopReasons()
    {
        var features = new List<FeatureEncoding>
        {
            new("age", FeatureKind.Numeric, []), new("race", FeatureKind.Categorical, ["A", "B"]), new("priors", FeatureKind.Numeric, []),
        };
        // age, race=A, race=B, race=other, priors, bias
        var contributions = new Contributions([0.1f, -0.3f, -0.2f, 0f, 0.4f, 1f, /* row 2 */ -0.9f, 0f, 0f, 0f, 0.4f, 1f], 2, 5, true, "test");
        var top = ReasonCodes.Top(features, contributions, 2);
        top[0].ShouldBe([new Reason("race", -0.5f), new Reason("priors", 0.4f)]);
        top[1].ShouldBe([new Reason("age", -0.9f), new Reason("priors", 0.4f)]);
    }

    [Fact]
    public void ShouldWriteKReasonsPerRowAfterThePrediction_WhenScoringWithReasons()
    {
        var result = Trainer.Train(() => File.OpenRead(Compas), new TrainingRequest("two_year_recid", Features,
            new Dictionary<string, string> { ["objective"] = "binary:logistic", [Trainer.RoundsParameter] = "10" }, 42, new string('c', 64)));
        var output = new StringWriter();
        var scored = Scorer.Score(new MemoryStream(result.Package), () => File.OpenRead(Compas), output, ["id"], reasons: 3);
        var lines = output.ToString().TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("id,score,prediction,reason_1,contribution_1,reason_2,contribution_2,reason_3,contribution_3");
        lines.Length.ShouldBe(7215);
        lines.Skip(1).All(l => l.Split(',').Length == 9).ShouldBeTrue();
        lines.Skip(1).Select(l => l.Split(',')[3]).Distinct().ShouldAllBe(f => Features.Contains(f));
        scored.ReasonsNote.ShouldBe("XGBoost TreeSHAP: contributions add up to the margin (the log-odds of a classifier) with the bias.");
        Should.Throw<EncodingException>(() => Scorer.Score(new MemoryStream(result.Package), () => File.OpenRead(Compas), new StringWriter(), ["id"], reasons: 21));
    }
}
