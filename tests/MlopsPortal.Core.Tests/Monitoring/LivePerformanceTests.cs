using System.Text;
using System.Text.Json;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Engine.Fairness;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Monitoring;

/// <summary>Live metrics against scikit-learn's on the same labelled rows (tests/scripts/live_expected.py), and the band share.</summary>
public sealed class LivePerformanceTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "tests", "data", "expected", "live");
    private static readonly OutcomeFormat Format = new(["key"], "label", Classifier: true, PositiveLabel: "1");

    private static LiveResult Compute(ConfidenceBand? band = null)
    {
        var outcomes = LivePerformance.LoadOutcomes([() => File.OpenRead(Path.Combine(Folder, "outcomes.csv"))], Format);
        return LivePerformance.Compute([new LiveBatch(Guid.NewGuid(), DateTime.UtcNow, () => File.OpenRead(Path.Combine(Folder, "scores.csv")), null)],
            outcomes, Format, new LiveSettings(0.5, band, [], "auc", new FairnessOptions()));
    }

    [Fact]
    public void ShouldEqualScikitLearn_WhenMetricsAreComputedOnTheLabelledRows()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "metrics.json")));
        var result = Compute();
        result.ScoredRows.ShouldBe(3000);
        result.LabelledRows.ShouldBe(expected.RootElement.GetProperty("rows").GetInt64());
        foreach (var name in new[] { "auc", "accuracy", "precision", "recall", "f1", "logLoss", "brierScore" })
            result.Metrics[name]!.Value.ShouldBe(expected.RootElement.GetProperty(name).GetDouble(), 1e-9, name);
        result.Batches.Single().PrimaryMetric!.Value.ShouldBe(expected.RootElement.GetProperty("auc").GetDouble(), 1e-9);
    }

    [Fact]
    public void ShouldCountScoresInsideTheBand_WhenABandIsApproved()
    {
        var scores = File.ReadLines(Path.Combine(Folder, "scores.csv")).Skip(1).Select(l => float.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var result = Compute(new ConfidenceBand(0.2, 0.8));
        result.BandShare!.Value.ShouldBe(scores.Count(s => s is >= 0.2f and <= 0.8f) / 3000.0, 1e-12);
        Compute().BandShare.ShouldBeNull();
    }

    [Fact]
    public void ShouldKeepTheFirstLabel_WhenAKeyIsLabelledTwice()
    {
        var csv = "key,label\nA,1\nA,0\nB,0\n";
        var outcomes = LivePerformance.LoadOutcomes([() => new MemoryStream(Encoding.UTF8.GetBytes(csv))], Format);
        outcomes.Count.ShouldBe(2);
        outcomes.Values.Order().ShouldBe([0f, 1f]);
    }

    [Fact]
    public void ShouldNameTheLine_WhenALabelIsMissingOrTheKeyColumnIsAbsent()
    {
        Should.Throw<FormatException>(() => LivePerformance.LoadOutcomes([() => new MemoryStream("key,label\nA,1\nB,\n"u8.ToArray())], Format))
            .Message.ShouldContain("Line 3");
        Should.Throw<FormatException>(() => LivePerformance.LoadOutcomes([() => new MemoryStream("id,label\nA,1\n"u8.ToArray())], Format))
            .Message.ShouldContain("no column 'key'");
    }
}
