// Written by hand: no metrics library for .NET restores here (ML.NET is absent). Definitions follow
// scikit-learn's, and tests hold each one to scikit-learn's value on the same predictions to 1e-9.
namespace MlopsPortal.Engine.Evaluation;

/// <summary>Counts at a threshold: a row is predicted positive when its score ≥ the threshold (contracts §2).</summary>
public sealed record ConfusionMatrix(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;
}

/// <summary>One bin of a calibration curve: the mean score and the share of positives among its rows.</summary>
public sealed record CalibrationBin(double Low, double High, long Count, double? MeanScore, double? PositiveRate);

/// <summary>
/// A binary classifier's holdout metrics. Undefined values (precision with no predicted positives, AUC with
/// one class) are null, never NaN (contracts §1).
/// </summary>
public sealed record ClassificationMetrics(
    double? Auc, double Accuracy, double? Precision, double? Recall, double? F1, double LogLoss, double BrierScore,
    ConfusionMatrix Confusion, IReadOnlyList<CalibrationBin> Calibration);

public sealed record RegressionMetrics(double Rmse, double Mae, double? R2);

public static class Metrics
{
    /// <summary>scikit-learn clips probabilities to [eps, 1 − eps] for log loss, with eps the float64 machine epsilon.</summary>
    private const double LogLossEpsilon = 2.220446049250313e-16;

    public static ClassificationMetrics Classification(ReadOnlySpan<float> labels, ReadOnlySpan<float> scores, double threshold = 0.5, int calibrationBins = 10)
    {
        if (labels.Length != scores.Length)
            throw new ArgumentException($"{labels.Length} labels but {scores.Length} scores.");
        if (labels.Length == 0)
            throw new ArgumentException("No rows to evaluate.");
        long tp = 0, fp = 0, tn = 0, fn = 0;
        double logLoss = 0, brier = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var positive = labels[i] >= 0.5f;
            var p = (double)scores[i];
            var predicted = p >= threshold;
            if (positive) { if (predicted) tp++; else fn++; }
            else { if (predicted) fp++; else tn++; }
            var clipped = Math.Clamp(p, LogLossEpsilon, 1 - LogLossEpsilon);
            logLoss -= positive ? Math.Log(clipped) : Math.Log(1 - clipped);
            var error = p - (positive ? 1 : 0);
            brier += error * error;
        }
        var n = labels.Length;
        double? precision = tp + fp == 0 ? null : (double)tp / (tp + fp);
        double? recall = tp + fn == 0 ? null : (double)tp / (tp + fn);
        double? f1 = tp == 0 && fp == 0 && fn == 0 ? null : 2.0 * tp / (2.0 * tp + fp + fn);
        return new ClassificationMetrics(Auc(labels, scores), (double)(tp + tn) / n, precision, recall, f1, logLoss / n, brier / n,
            new ConfusionMatrix(tp, fp, tn, fn), Calibration(labels, scores, calibrationBins));
    }

    /// <summary>ROC AUC by the rank statistic, with ties given their average rank (= scikit-learn's roc_auc_score).</summary>
    public static double? Auc(ReadOnlySpan<float> labels, ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start]) end++;
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
                if (labels[order[k]] >= 0.5f) { positiveRankSum += averageRank; positives++; }
            start = end + 1;
        }
        long negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Equal-width bins over [0, 1] (scikit-learn's calibration_curve, strategy "uniform"); empty bins have no means.</summary>
    public static IReadOnlyList<CalibrationBin> Calibration(ReadOnlySpan<float> labels, ReadOnlySpan<float> scores, int bins = 10)
    {
        var counts = new long[bins];
        var scoreSums = new double[bins];
        var positives = new long[bins];
        for (var i = 0; i < scores.Length; i++)
        {
            // As calibration_curve's searchsorted over the inner edges: a score on an edge belongs to the lower bin.
            var bin = Math.Clamp((int)Math.Ceiling(scores[i] * (double)bins) - 1, 0, bins - 1);
            counts[bin]++;
            scoreSums[bin] += scores[i];
            if (labels[i] >= 0.5f) positives[bin]++;
        }
        return Enumerable.Range(0, bins).Select(b => new CalibrationBin((double)b / bins, (double)(b + 1) / bins, counts[b],
            counts[b] == 0 ? null : scoreSums[b] / counts[b], counts[b] == 0 ? null : (double)positives[b] / counts[b])).ToList();
    }

    public static RegressionMetrics Regression(ReadOnlySpan<float> targets, ReadOnlySpan<float> predictions)
    {
        if (targets.Length != predictions.Length || targets.Length == 0)
            throw new ArgumentException("Targets and predictions must be non-empty and of the same length.");
        double squared = 0, absolute = 0, mean = 0;
        for (var i = 0; i < targets.Length; i++) mean += targets[i];
        mean /= targets.Length;
        double total = 0;
        for (var i = 0; i < targets.Length; i++)
        {
            var error = (double)targets[i] - predictions[i];
            squared += error * error;
            absolute += Math.Abs(error);
            var deviation = targets[i] - mean;
            total += deviation * deviation;
        }
        var n = targets.Length;
        return new RegressionMetrics(Math.Sqrt(squared / n), absolute / n, total == 0 ? null : 1 - squared / total);
    }
}
