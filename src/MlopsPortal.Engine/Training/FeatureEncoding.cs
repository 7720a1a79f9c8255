using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Training;

public enum FeatureKind { Numeric, Boolean, Categorical }

/// <summary>
/// How one source column becomes model inputs (contracts §2): a number stays one float; a boolean becomes
/// 0/1; a category becomes one-hot columns for the most frequent categories plus "other" for the rest, so
/// that model.json has numeric splits only. Missing values become NaN (XGBoost's default direction).
/// </summary>
public sealed record FeatureEncoding(string Column, FeatureKind Kind, IReadOnlyList<string> Categories)
{
    public const string Other = "__other__";

    public int Width => Kind == FeatureKind.Categorical ? Categories.Count + 1 : 1;

    /// <summary>The model's input names: "age", or "race=Caucasian" … "race=__other__".</summary>
    public IEnumerable<string> InputNames => Kind == FeatureKind.Categorical
        ? Categories.Select(c => $"{Column}={c}").Append($"{Column}={Other}")
        : [Column];
}

/// <summary>The label's meaning: for classifiers, which value is positive (1); everything else is 0 (the negative value, when known, names predictions).</summary>
public sealed record LabelEncoding(string Column, string? PositiveLabel, string? NegativeLabel = null);

/// <summary>Rows × inputs floats (row-major) and one label per row, ready for XGBoost.</summary>
public sealed record EncodedTable(float[] Values, float[] Labels, int Rows, int Columns);

/// <summary>A row the encoder cannot use, named by line and column like the CSV reader's errors.</summary>
public sealed class EncodingException(string message) : Exception(message);

public static class FeatureEncoder
{
    /// <summary>Encodings for the named columns of a profiled dataset (the training data decides the categories).</summary>
    public static IReadOnlyList<FeatureEncoding> Plan(IReadOnlyList<ColumnProfile> profile, IReadOnlyList<string> features, int maxCategories = 20)
    {
        var byName = profile.ToDictionary(c => c.Name);
        var missing = features.Where(f => !byName.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw new EncodingException($"The dataset has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        return features.Select(name =>
        {
            var column = byName[name];
            return column.Type switch
            {
                ColumnType.Integer or ColumnType.Float => new FeatureEncoding(name, FeatureKind.Numeric, []),
                ColumnType.Boolean => new FeatureEncoding(name, FeatureKind.Boolean, []),
                ColumnType.Categorical => new FeatureEncoding(name, FeatureKind.Categorical,
                    column.Categories.Take(maxCategories).Select(c => c.Key).ToList()),
                _ => throw new EncodingException($"Column '{name}' is {column.Type.ToString().ToLowerInvariant()}: only numbers, booleans and categories can be features."),
            };
        }).ToList();
    }

    /// <summary>
    /// Reads a CSV once into floats. Labels: the positive label → 1, any other value → 0 (classifiers), or the
    /// number itself (regressors, <paramref name="label"/>.PositiveLabel null). A missing label is an error.
    /// </summary>
    public static EncodedTable Encode(Stream csv, IReadOnlyList<FeatureEncoding> encodings, LabelEncoding? label, InferenceOptions? inference = null)
    {
        inference ??= new InferenceOptions();
        using var reader = new CsvReader(csv, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var header = reader.Header.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index);
        int IndexOf(string column) => header.TryGetValue(column, out var i) ? i
            : throw new EncodingException($"The data has no column '{column}'.");
        var sources = encodings.Select(e => IndexOf(e.Column)).ToArray();
        var labelIndex = label is null ? -1 : IndexOf(label.Column);
        var missingTokens = inference.MissingTokens.Select(Encoding.UTF8.GetBytes).ToArray();
        var lookups = encodings.Select(e => e.Categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i)).ToArray();
        var positive = label?.PositiveLabel is { } p ? Encoding.UTF8.GetBytes(p) : null;
        var width = encodings.Sum(e => e.Width);

        var values = new List<float>(1 << 16);
        var labels = new List<float>(1 << 12);
        Span<float> row = width <= 1024 ? stackalloc float[width] : new float[width];
        while (reader.Read())
        {
            var offset = 0;
            for (var f = 0; f < encodings.Count; f++)
            {
                var cell = reader.Field(sources[f]);
                var encoding = encodings[f];
                var isMissing = IsMissing(cell, reader.IsQuoted(sources[f]), missingTokens);
                switch (encoding.Kind)
                {
                    case FeatureKind.Numeric:
                        row[offset] = isMissing ? float.NaN
                            : ColumnTypeTracker.TryParseDouble(cell, out var number) ? (float)number
                            : throw new EncodingException($"Line {reader.RowLine}, column '{encoding.Column}': '{Encoding.UTF8.GetString(cell)}' is not a number.");
                        break;
                    case FeatureKind.Boolean:
                        row[offset] = isMissing ? float.NaN
                            : ColumnTypeTracker.TryParseBoolean(cell, out var flag) ? (flag ? 1f : 0f)
                            : throw new EncodingException($"Line {reader.RowLine}, column '{encoding.Column}': '{Encoding.UTF8.GetString(cell)}' is not true or false.");
                        break;
                    default:
                        var slots = row.Slice(offset, encoding.Width);
                        if (isMissing)
                            slots.Fill(float.NaN);
                        else
                        {
                            slots.Clear();
                            slots[lookups[f].TryGetValue(Encoding.UTF8.GetString(cell), out var slot) ? slot : encoding.Categories.Count] = 1f;
                        }
                        break;
                }
                offset += encoding.Width;
            }
            values.AddRange(row);
            if (labelIndex >= 0)
            {
                var cell = reader.Field(labelIndex);
                if (IsMissing(cell, reader.IsQuoted(labelIndex), missingTokens))
                    throw new EncodingException($"Line {reader.RowLine}: the label '{label!.Column}' is missing; every training row needs one.");
                labels.Add(positive is not null ? (cell.SequenceEqual(positive) ? 1f : 0f)
                    : ColumnTypeTracker.TryParseDouble(cell, out var target) && double.IsFinite(target) ? (float)target
                    : throw new EncodingException($"Line {reader.RowLine}: the label '{label!.Column}' is '{Encoding.UTF8.GetString(cell)}', not a number."));
            }
        }
        return new EncodedTable([.. values], [.. labels], (int)reader.RowCount, width);
    }

    private static bool IsMissing(ReadOnlySpan<byte> cell, bool quoted, byte[][] tokens)
    {
        if (quoted) return false;
        foreach (var token in tokens)
            if (cell.SequenceEqual(token)) return true;
        return false;
    }

    /// <summary>
    /// A seeded split of row indexes into training and validation (contracts §2: 20 %, stratified by label
    /// for classifiers), so that the same data and seed give the same split and so the same model.
    /// </summary>
    public static (int[] Train, int[] Validation) Split(float[] labels, double validationShare, int seed, bool stratify)
    {
        var random = new Random(seed);
        var groups = stratify
            ? labels.Select((l, i) => (l, i)).GroupBy(p => p.l).OrderBy(g => g.Key).Select(g => g.Select(p => p.i).ToArray()).ToList()
            : [Enumerable.Range(0, labels.Length).ToArray()];
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var take = (int)Math.Round(group.Length * validationShare, MidpointRounding.AwayFromZero);
            validation.AddRange(group[..take]);
            train.AddRange(group[take..]);
        }
        train.Sort();
        validation.Sort();
        return ([.. train], [.. validation]);
    }

    /// <summary>The rows at the given indexes, as a new row-major block.</summary>
    public static (float[] Values, float[] Labels) Take(EncodedTable table, int[] rows)
    {
        var values = new float[rows.Length * table.Columns];
        var labels = new float[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            table.Values.AsSpan(rows[r] * table.Columns, table.Columns).CopyTo(values.AsSpan(r * table.Columns));
            labels[r] = table.Labels[rows[r]];
        }
        return (values, labels);
    }
}
