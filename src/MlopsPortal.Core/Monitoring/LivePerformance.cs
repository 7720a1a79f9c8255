using System.Globalization;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Engine.Datasets;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Core.Monitoring;

/// <summary>How the outcome files name rows and labels: the model's key columns, label column and positive label.</summary>
public sealed record OutcomeFormat(IReadOnlyList<string> KeyColumns, string LabelColumn, bool Classifier, string? PositiveLabel);

/// <summary>One scoring batch of the measured version: its output (keys, score) and its input (for the sensitive columns).</summary>
public sealed record LiveBatch(Guid ScoringJobId, DateTime ScoredAt, Func<Stream> OpenScores, Func<Stream>? OpenInput);

public sealed record LiveSettings(double Threshold, ConfidenceBand? Band, IReadOnlyList<string> Sensitive, string PrimaryMetric, FairnessOptions Fairness);

public sealed record LiveResult(
    long ScoredRows, long LabelledRows, double? BandShare, Dictionary<string, double?> Metrics, List<LiveBatchPoint> Batches,
    Dictionary<string, LiveDisparity> Fairness, string? FairnessVerdict);

/// <summary>
/// Live performance (issue 11): the scored rows of a version joined by key with the outcomes that arrived later, then
/// the evaluation metrics and fairness disparities on the labelled rows and the share of all scores inside the band.
/// Keys are held as 64-bit hashes, so ten million keys cost ~16 bytes each instead of a string each.
/// </summary>
public static class LivePerformance
{
    /// <summary>
    /// FNV-1a over the key fields, separated by 0x1F. Written by hand: no hashing package restores here and the BCL has
    /// no non-cryptographic 64-bit hash with a stable value; a collision among 10^7 keys has odds of about 3·10^-6.
    /// </summary>
    public static ulong KeyHash(CsvReader reader, int[] keyIndexes)
    {
        var hash = 14695981039346656037UL;
        foreach (var i in keyIndexes)
        {
            foreach (var b in reader.Field(i))
                hash = (hash ^ b) * 1099511628211UL;
            hash = (hash ^ 0x1F) * 1099511628211UL;
        }
        return hash;
    }

    public static string KeyText(CsvReader reader, int[] keyIndexes) => string.Join(",", keyIndexes.Select(reader.FieldString));

    /// <summary>Reads an outcome file: for each row its key hash, key text, label (1/0, or the target) and line.</summary>
    public static IEnumerable<(ulong Key, float Label, CsvReader Row)> ReadOutcomes(Stream csv, OutcomeFormat format)
    {
        using var reader = new CsvReader(csv);
        var keys = CsvColumns.Indexes(reader, format.KeyColumns, "outcome file");
        var label = CsvColumns.Indexes(reader, [format.LabelColumn], "outcome file")[0];
        while (reader.Read())
            yield return (KeyHash(reader, keys), Label(reader.FieldString(label).Trim(), format, reader.RowLine), reader);
    }

    private static float Label(string value, OutcomeFormat format, long line)
    {
        if (value.Length == 0)
            throw new FormatException($"Line {line}: the label '{format.LabelColumn}' is empty; send only rows whose outcome is known.");
        if (!format.Classifier)
            return float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var target) && float.IsFinite(target) ? target
                : throw new FormatException($"Line {line}: the target '{value}' is not a number.");
        if (format.PositiveLabel is { } positive) return value == positive ? 1 : 0;
        return value switch
        {
            "1" or "true" or "True" or "TRUE" => 1,
            "0" or "false" or "False" or "FALSE" => 0,
            _ => throw new FormatException($"Line {line}: the label '{value}' is not 0/1 or true/false (the model names no positive label)."),
        };
    }

    /// <summary>Every outcome of the files, first label per key (later uploads never overwrite an earlier one).</summary>
    public static Dictionary<ulong, float> LoadOutcomes(IEnumerable<Func<Stream>> files, OutcomeFormat format)
    {
        var outcomes = new Dictionary<ulong, float>();
        foreach (var open in files)
        {
            using var stream = open();
            foreach (var (key, label, _) in ReadOutcomes(stream, format))
                outcomes.TryAdd(key, label);
        }
        return outcomes;
    }

    public static LiveResult Compute(IReadOnlyList<LiveBatch> batches, Dictionary<ulong, float> outcomes, OutcomeFormat format, LiveSettings settings,
        CancellationToken ct = default)
    {
        var labels = new List<float>();
        var scores = new List<float>();
        var sensitive = settings.Sensitive.Select(_ => new List<string?>()).ToArray();
        var points = new List<LiveBatchPoint>();
        long scored = 0, inBand = 0;
        var seen = new HashSet<ulong>();
        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            long rows = 0, labelled = 0, batchInBand = 0;
            var from = labels.Count;
            using var scoreStream = batch.OpenScores();
            using var scoreReader = new CsvReader(scoreStream);
            var keyIndexes = CsvColumns.Indexes(scoreReader, format.KeyColumns, "scoring output");
            var scoreIndex = CsvColumns.Indexes(scoreReader, ["score"], "scoring output")[0];
            // Score output rows are in input order (contracts §2): the input is read in step for the sensitive columns.
            using var inputStream = settings.Sensitive.Count > 0 ? batch.OpenInput?.Invoke() : null;
            using var inputReader = inputStream is null ? null : new CsvReader(inputStream, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
            var sensitiveIndexes = inputReader is null ? null : CsvColumns.Indexes(inputReader, settings.Sensitive, "scoring input");
            while (scoreReader.Read())
            {
                var hasInput = inputReader?.Read() == true;
                rows++;
                var score = float.Parse(scoreReader.Field(scoreIndex), CultureInfo.InvariantCulture);
                if (settings.Band?.Contains(score) == true) batchInBand++;
                var key = KeyHash(scoreReader, keyIndexes);
                // A key scored twice counts once, with its first score: the outcome labels one decision.
                if (!outcomes.TryGetValue(key, out var label) || !seen.Add(key)) continue;
                labelled++;
                labels.Add(label);
                scores.Add(score);
                for (var s = 0; s < sensitive.Length; s++)
                    sensitive[s].Add(hasInput ? Present(inputReader!.FieldString(sensitiveIndexes![s])) : null);
            }
            scored += rows;
            inBand += batchInBand;
            double? primary = labelled == 0 ? null
                : MetricsOf(labels.Skip(from).ToArray(), scores.Skip(from).ToArray(), format.Classifier, settings.Threshold).GetValueOrDefault(settings.PrimaryMetric);
            points.Add(new LiveBatchPoint(batch.ScoringJobId, batch.ScoredAt, rows, labelled,
                settings.Band is null || rows == 0 ? null : (double)batchInBand / rows, primary));
        }
        var metrics = labels.Count == 0 ? [] : MetricsOf(labels.ToArray(), scores.ToArray(), format.Classifier, settings.Threshold);
        var fairness = new Dictionary<string, LiveDisparity>();
        string? verdict = null;
        if (format.Classifier && labels.Count > 0 && sensitive.Length > 0)
        {
            var report = FairnessAudit.Run(new FairnessInput(labels.Select(l => l >= 0.5f).ToArray(), scores.Select(s => s >= settings.Threshold).ToArray(),
                settings.Sensitive.Select((name, s) => SensitiveColumn.FromValues(name, sensitive[s])).ToList()), settings.Fairness, ct);
            foreach (var (attribute, d) in report.DisparitiesExcludingSmallGroups)
                fairness[attribute] = new LiveDisparity(d.DemographicParityDifference, d.DisparateImpactRatio, d.EqualizedOddsDifference);
            verdict = report.Verdict;
        }
        return new LiveResult(scored, labels.Count, settings.Band is null || scored == 0 ? null : (double)inBand / scored, metrics, points, fairness, verdict);
    }

    /// <summary>The evaluation's metric names (Metrics.Classification / Regression in the registry), undefined ones null.</summary>
    public static Dictionary<string, double?> MetricsOf(float[] labels, float[] scores, bool classifier, double threshold)
    {
        static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;
        if (!classifier)
        {
            var r = Engine.Evaluation.Metrics.Regression(labels, scores);
            return new() { ["rmse"] = Finite(r.Rmse), ["mae"] = Finite(r.Mae), ["r2"] = Finite(r.R2) };
        }
        var c = Engine.Evaluation.Metrics.Classification(labels, scores, threshold);
        return new()
        {
            ["auc"] = Finite(c.Auc), ["accuracy"] = Finite(c.Accuracy), ["precision"] = Finite(c.Precision), ["recall"] = Finite(c.Recall),
            ["f1"] = Finite(c.F1), ["logLoss"] = Finite(c.LogLoss), ["brierScore"] = Finite(c.BrierScore),
        };
    }

    private static string? Present(string value) => value.Trim() is "" or "?" or "NA" or "N/A" or "null" or "NaN" ? null : value;
}
