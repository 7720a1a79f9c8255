using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Evaluation;

/// <summary>A feature's global importance: the mean over rows of |its SHAP contribution| (one-hot columns summed first).</summary>
public sealed record FeatureImportance(string Feature, double MeanAbsContribution);

public sealed record EvaluationResult(
    string Task, int Rows, double? Threshold, ClassificationMetrics? Classification, RegressionMetrics? Regression,
    IReadOnlyList<FeatureImportance> Importance)
{
    /// <summary>How many rows the importance was computed on (the first ones, up to <see cref="Evaluator.ImportanceRows"/>).</summary>
    public int ImportanceRowCount { get; init; }
}

/// <summary>Evaluates a model package on a labelled CSV: the task's metrics and global feature importance.</summary>
public static class Evaluator
{
    /// <summary>
    /// SHAP contributions take rows × (columns + 1) floats: importance reads at most this many rows (the first
    /// ones, so the same holdout gives the same importance); the metrics read every row.
    /// </summary>
    public const int ImportanceRows = 100_000;

    public static EvaluationResult Evaluate(Stream package, Func<Stream> openData, double threshold, int threads = 0, CancellationToken ct = default)
    {
        var (manifest, model) = ModelPackage.Read(package);
        var classifier = manifest.Task == "binaryClassification";
        if (classifier && threshold is < 0 or > 1)
            throw new EncodingException($"The threshold {threshold} must be between 0 and 1.");
        EncodedTable table;
        using (var stream = openData())
            table = FeatureEncoder.Encode(stream, manifest.Features, manifest.Label);
        if (table.Rows == 0)
            throw new EncodingException("The holdout data has no rows.");
        ct.ThrowIfCancellationRequested();
        using var loaded = ScoringModels.Load(manifest, model, threads);
        var scores = loaded.Predict(table);
        ct.ThrowIfCancellationRequested();
        var shapRows = Math.Min(table.Rows, ImportanceRows);
        // An ONNX model gives no contributions: its evaluation has metrics and no importance.
        var contributions = loaded.Explain(table.Values.AsSpan(0, shapRows * table.Columns), shapRows, table.Columns);
        return new EvaluationResult(manifest.Task, table.Rows, classifier ? threshold : null,
            classifier ? Metrics.Classification(table.Labels, scores, threshold) : null,
            classifier ? null : Metrics.Regression(table.Labels, scores),
            contributions is null ? [] : Importance(manifest.Features, contributions.Values, shapRows, table.Columns)) { ImportanceRowCount = contributions is null ? 0 : shapRows };
    }

    /// <summary>
    /// SHAP values are additive, so a one-hot encoded feature's contribution in a row is the sum of its
    /// columns' contributions; the importance is the mean of its absolute value, largest first.
    /// </summary>
    internal static IReadOnlyList<FeatureImportance> Importance(IReadOnlyList<FeatureEncoding> features, ReadOnlySpan<float> contributions, int rows, int columns)
    {
        var totals = new double[features.Count];
        var stride = columns + 1;
        for (var row = 0; row < rows; row++)
        {
            var line = contributions.Slice(row * stride, columns);
            var offset = 0;
            for (var f = 0; f < features.Count; f++)
            {
                double sum = 0;
                foreach (var value in line.Slice(offset, features[f].Width))
                    sum += value;
                totals[f] += Math.Abs(sum);
                offset += features[f].Width;
            }
        }
        return features.Select((f, i) => new FeatureImportance(f.Column, rows == 0 ? 0 : totals[i] / rows))
            .OrderByDescending(f => f.MeanAbsContribution).ThenBy(f => f.Feature, StringComparer.Ordinal).ToList();
    }
}
