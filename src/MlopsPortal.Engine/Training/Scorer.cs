using System.Globalization;
using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Training;

/// <summary>
/// Scores a CSV with a model package (contracts §2): the key columns, then <c>score</c> (the positive class's
/// probability, or the prediction for regressors), then for classifiers <c>prediction</c> (the positive label
/// when score ≥ threshold, else the negative one), in input order.
/// </summary>
public static class Scorer
{
    public sealed record Result(int Rows, string Task, double? Threshold);

    /// <summary>The model's scores of every row of the data, in input order (probabilities for a classifier).</summary>
    public static float[] Scores(Stream package, Func<Stream> openData, int threads = 0)
    {
        var (manifest, modelJson) = ModelPackage.Read(package);
        return Predict(manifest, modelJson, openData, threads);
    }

    /// <summary>Scores an encoded table with the package's model JSON on another engine (the GPU's); null hands it back to libxgboost.</summary>
    public delegate float[]? Predictor(byte[] modelJson, EncodedTable table);

    private static float[] Predict(ModelManifest manifest, byte[] modelJson, Func<Stream> openData, int threads, Predictor? predictor = null)
    {
        EncodedTable table;
        using (var stream = openData())
            table = FeatureEncoder.Encode(stream, manifest.Features, label: null);
        if (predictor?.Invoke(modelJson, table) is { } predicted) return predicted;
        var scores = new float[table.Rows];
        using (var booster = XGBoostBooster.Load(modelJson, threads))
            booster.Predict(table.Values, table.Rows, table.Columns, scores);
        return scores;
    }

    public static Result Score(Stream package, Func<Stream> openData, TextWriter output, IReadOnlyList<string> keys, double? threshold = null, int threads = 0,
        CancellationToken ct = default, Predictor? predictor = null)
    {
        var (manifest, modelJson) = ModelPackage.Read(package);
        var classifier = manifest.Task == "binaryClassification";
        var cut = threshold ?? 0.5;
        if (classifier && cut is < 0 or > 1)
            throw new EncodingException($"The threshold {cut} must be between 0 and 1.");

        var scores = Predict(manifest, modelJson, openData, threads, predictor);

        ct.ThrowIfCancellationRequested();
        using var data = openData();
        using var reader = new CsvReader(data, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var keyIndexes = keys.Select(k => reader.Header.ToList().IndexOf(k) is var i and >= 0 ? i
            : throw new EncodingException($"The data has no key column '{k}'.")).ToArray();
        output.Write(string.Join(',', keys.Append("score").Concat(classifier ? ["prediction"] : []).Select(Quote)));
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
            line.Append('\n');
            output.Write(line);
        }
        return new Result(scores.Length, manifest.Task, classifier ? cut : null);
    }

    /// <summary>RFC 4180: quote a field only when it holds a comma, quote or line break.</summary>
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
