using System.Globalization;
using System.Text;
using MlopsPortal.Engine.Datasets;
using MlopsPortal.Engine.Models;

namespace MlopsPortal.Engine.Training;

/// <summary>
/// Scores a CSV with a model package of any engine (contracts §2): the key columns, then <c>score</c> (the positive
/// class's probability, or the prediction for regressors), then for classifiers <c>prediction</c> (the positive label
/// when score ≥ threshold, else the negative one), then, when reasons are asked for, <c>reason_1</c>,
/// <c>contribution_1</c> … <c>reason_K</c>, <c>contribution_K</c>, in input order.
/// </summary>
public static class Scorer
{
    /// <param name="ReasonsNote">Why no reasons were written though some were asked for, or how they were computed.</param>
    public sealed record Result(int Rows, string Task, double? Threshold, string? ReasonsNote = null);

    /// <summary>The model's scores of every row of the data, in input order (probabilities for a classifier).</summary>
    public static float[] Scores(Stream package, Func<Stream> openData, int threads = 0)
    {
        var (manifest, model) = ModelPackage.Read(package);
        using var loaded = ScoringModels.Load(manifest, model, threads);
        return Predict(manifest, model, loaded, Encode(manifest, openData), null);
    }

    /// <summary>Scores an encoded table on another device (the GPU); null hands it back to the engine's CPU path.</summary>
    public delegate float[]? Predictor(ModelManifest manifest, byte[] model, EncodedTable table);

    private static EncodedTable Encode(ModelManifest manifest, Func<Stream> openData)
    {
        using var stream = openData();
        return FeatureEncoder.Encode(stream, manifest.Features, label: null);
    }

    private static float[] Predict(ModelManifest manifest, byte[] model, IScoringModel loaded, EncodedTable table, Predictor? predictor) =>
        predictor?.Invoke(manifest, model, table) is { } predicted ? predicted : loaded.Predict(table);

    public static Result Score(Stream package, Func<Stream> openData, TextWriter output, IReadOnlyList<string> keys, double? threshold = null, int threads = 0,
        CancellationToken ct = default, Predictor? predictor = null, int reasons = 0)
    {
        if (reasons is < 0 or > 20)
            throw new EncodingException($"Ask for 1 to 20 reasons per row, not {reasons}.");
        var (manifest, model) = ModelPackage.Read(package);
        var classifier = manifest.Task == "binaryClassification";
        var cut = threshold ?? 0.5;
        if (classifier && cut is < 0 or > 1)
            throw new EncodingException($"The threshold {cut} must be between 0 and 1.");

        using var loaded = ScoringModels.Load(manifest, model, threads);
        var table = Encode(manifest, openData);
        var scores = Predict(manifest, model, loaded, table, predictor);
        string? note = null;
        if (reasons > 0 && loaded.NoContributionsReason is { } why)
        {
            note = why;
            reasons = 0;
        }
        Reason[][] block = [];
        var blockStart = 0;

        ct.ThrowIfCancellationRequested();
        using var data = openData();
        using var reader = new CsvReader(data, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var keyIndexes = keys.Select(k => reader.Header.ToList().IndexOf(k) is var i and >= 0 ? i
            : throw new EncodingException($"The data has no key column '{k}'.")).ToArray();
        output.Write(string.Join(',', keys.Append("score").Concat(classifier ? ["prediction"] : [])
            .Concat(Enumerable.Range(1, reasons).SelectMany(i => new[] { $"reason_{i}", $"contribution_{i}" })).Select(Quote)));
        output.Write('\n');
        var positive = manifest.Label.PositiveLabel ?? "1";
        var negative = manifest.Label.NegativeLabel ?? "0";
        var line = new StringBuilder(128);
        for (var row = 0; reader.Read(); row++)
        {
            if ((row & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            line.Clear();
            foreach (var k in keyIndexes)
                line.Append(Quote(reader.FieldString(k))).Append(',');
            line.Append(scores[row].ToString("R", CultureInfo.InvariantCulture));
            if (classifier)
                line.Append(',').Append(Quote(scores[row] >= cut ? positive : negative));
            if (reasons > 0)
            {
                if (row - blockStart >= block.Length)
                {
                    blockStart = row;
                    var rows = Math.Min(ReasonCodes.ChunkRows, table.Rows - row);
                    var contributions = loaded.Explain(table.Values.AsSpan(row * table.Columns, rows * table.Columns), rows, table.Columns)
                                        ?? throw new EncodingException(loaded.NoContributionsReason ?? "Reasons are not available for this model.");
                    note ??= contributions.Method + (contributions.Additive ? ": contributions add up to the margin (the log-odds of a classifier) with the bias." : ": contributions rank the features; they do not add up to the margin.");
                    block = ReasonCodes.Top(manifest.Features, contributions, reasons);
                }
                foreach (var reason in block[row - blockStart])
                    line.Append(',').Append(Quote(reason.Feature)).Append(',').Append(reason.Contribution.ToString("R", CultureInfo.InvariantCulture));
                for (var missing = block[row - blockStart].Length; missing < reasons; missing++)
                    line.Append(",,");
            }
            line.Append('\n');
            output.Write(line);
        }
        return new Result(scores.Length, manifest.Task, classifier ? cut : null, note);
    }

    /// <summary>RFC 4180: quote a field only when it holds a comma, quote or line break.</summary>
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
