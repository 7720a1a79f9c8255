using System.Globalization;
using System.Text.Json;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Evaluation;

/// <summary>
/// Every metric against scikit-learn's value on the same predictions, and the engine's predictions against
/// Python xgboost's on the same model.json (expected values from tests/scripts/expected_values.py).
/// </summary>
public sealed class MetricsTests
{
    private static string Expected(string file) => Path.Combine(AppContext.BaseDirectory, "data", "expected", file);

    private static readonly JsonElement Sklearn = JsonDocument.Parse(File.ReadAllText(Expected("metrics.json"))).RootElement;

    private static (float[] A, float[] B) Columns(string file)
    {
        var lines = File.ReadAllLines(Expected(file)).Skip(1).Select(l => l.Split(',')).ToList();
        return (lines.Select(p => float.Parse(p[0], CultureInfo.InvariantCulture)).ToArray(),
            lines.Select(p => float.Parse(p[1], CultureInfo.InvariantCulture)).ToArray());
    }

    private static void Close(double? actual, string name, JsonElement expected)
    {
        actual.ShouldNotBeNull(name);
        var value = expected.GetProperty(name).GetDouble();
        Math.Abs(actual.Value - value).ShouldBeLessThanOrEqualTo(1e-9 * Math.Max(1, Math.Abs(value)), name);
    }

    [Fact]
    public void ShouldMatchScikitLearn_WhenClassificationMetricsAreComputed()
    {
        var (labels, scores) = Columns("classification.csv");
        var expected = Sklearn.GetProperty("classification");
        var m = Metrics.Classification(labels, scores, expected.GetProperty("threshold").GetDouble());
        Close(m.Auc, "auc", expected);
        Close(m.Accuracy, "accuracy", expected);
        Close(m.Precision, "precision", expected);
        Close(m.Recall, "recall", expected);
        Close(m.F1, "f1", expected);
        Close(m.LogLoss, "logLoss", expected);
        Close(m.BrierScore, "brierScore", expected);
        var confusion = expected.GetProperty("confusion");
        m.Confusion.ShouldBe(new ConfusionMatrix(confusion.GetProperty("tp").GetInt64(), confusion.GetProperty("fp").GetInt64(),
            confusion.GetProperty("tn").GetInt64(), confusion.GetProperty("fn").GetInt64()));

        // calibration_curve leaves out empty bins.
        var filled = m.Calibration.Where(b => b.Count > 0).ToList();
        var rates = expected.GetProperty("calibration").GetProperty("positiveRate").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var means = expected.GetProperty("calibration").GetProperty("meanScore").EnumerateArray().Select(v => v.GetDouble()).ToList();
        filled.Count.ShouldBe(rates.Count);
        for (var i = 0; i < rates.Count; i++)
        {
            Math.Abs(filled[i].PositiveRate!.Value - rates[i]).ShouldBeLessThanOrEqualTo(1e-9);
            Math.Abs(filled[i].MeanScore!.Value - means[i]).ShouldBeLessThanOrEqualTo(1e-9);
        }
    }

    [Fact]
    public void ShouldMatchScikitLearn_WhenRegressionMetricsAreComputed()
    {
        var (targets, predictions) = Columns("regression.csv");
        var expected = Sklearn.GetProperty("regression");
        var m = Metrics.Regression(targets, predictions);
        Close(m.Rmse, "rmse", expected);
        Close(m.Mae, "mae", expected);
        Close(m.R2, "r2", expected);
    }

    [Fact]
    public void ShouldGiveNullNotNaN_WhenAMetricIsUndefined()
    {
        var m = Metrics.Classification([0f, 0f, 0f], [0.1f, 0.2f, 0.3f]);
        m.Auc.ShouldBeNull();
        m.Precision.ShouldBeNull();
        m.Recall.ShouldBeNull();
        m.F1.ShouldBeNull();
        m.Accuracy.ShouldBe(1);
        Metrics.Regression([2f, 2f], [1f, 3f]).R2.ShouldBeNull();
    }

    [Fact]
    public void ShouldPredictAsPythonXGBoostDoes_WhenBothLoadTheSameModelJson()
    {
        var lines = File.ReadAllLines(Expected("xgb-data.csv")).Skip(1).ToList();
        var values = lines.SelectMany(l => l.Split(',').Take(6).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        var expected = File.ReadAllLines(Expected("xgb-predictions.csv")).Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        using var booster = XGBoostBooster.Load(File.ReadAllBytes(Expected("xgb-model.json")), threads: 2);
        var actual = new float[lines.Count];
        booster.Predict(values, lines.Count, 6, actual);
        for (var i = 0; i < actual.Length; i++)
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(1e-6f, $"row {i}");
    }

    [Fact]
    public void ShouldGiveTheSameGlobalShapImportanceAsPythonXGBoost_OnTheSameModelJson()
    {
        var lines = File.ReadAllLines(Expected("xgb-data.csv")).Skip(1).ToList();
        var values = lines.SelectMany(l => l.Split(',').Take(6).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        var expected = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Expected("xgb-importance.json")))!;
        using var booster = XGBoostBooster.Load(File.ReadAllBytes(Expected("xgb-model.json")), threads: 2);
        var contributions = booster.Contributions(values, lines.Count, 6);
        var features = Enumerable.Range(0, 6).Select(i => new FeatureEncoding($"f{i}", FeatureKind.Numeric, [])).ToList();

        var importance = Evaluator.Importance(features, contributions, lines.Count, 6);

        importance.Count.ShouldBe(6);
        foreach (var f in importance)
            f.MeanAbsContribution.ShouldBe(expected[f.Feature], 1e-6, f.Feature);
        importance.Select(f => f.MeanAbsContribution).ShouldBeInOrder(SortDirection.Descending);
    }
}
