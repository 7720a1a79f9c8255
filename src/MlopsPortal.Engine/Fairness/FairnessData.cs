using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Fairness;

/// <summary>Reads the columns a fairness audit needs from a CSV: label, prediction and the sensitive attributes.</summary>
public static class FairnessData
{
    /// <param name="positiveLabel">When given, a label or prediction equal to it is positive and anything else negative;
    /// otherwise values must be 0/1 or true/false.</param>
    public static FairnessInput Read(Stream csv, string label, string prediction, IReadOnlyList<string> sensitive, string? positiveLabel = null)
    {
        using var reader = new CsvReader(csv, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var header = reader.Header.ToList();
        int IndexOf(string column) => header.IndexOf(column) is var i and >= 0 ? i
            : throw new FormatException($"The data has no column '{column}' (columns: {string.Join(", ", header.Take(12))}{(header.Count > 12 ? ", …" : "")}).");
        var labelIndex = IndexOf(label);
        var predictionIndex = IndexOf(prediction);
        var sensitiveIndexes = sensitive.Select(IndexOf).ToArray();
        var labels = new List<bool>();
        var predictions = new List<bool>();
        var values = sensitive.Select(_ => new List<string?>()).ToArray();
        while (reader.Read())
        {
            labels.Add(Positive(reader.FieldString(labelIndex), label, reader.RowLine, positiveLabel));
            predictions.Add(Positive(reader.FieldString(predictionIndex), prediction, reader.RowLine, positiveLabel));
            for (var s = 0; s < sensitiveIndexes.Length; s++)
                values[s].Add(Present(reader.FieldString(sensitiveIndexes[s])));
        }
        return new FairnessInput([.. labels], [.. predictions], sensitive.Select((name, s) => SensitiveColumn.FromValues(name, values[s])).ToList());
    }

    /// <summary>Only the sensitive columns, for audits whose labels and predictions come from a model.</summary>
    public static List<SensitiveColumn> ReadSensitive(Stream csv, IReadOnlyList<string> sensitive)
    {
        using var reader = new CsvReader(csv, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var header = reader.Header.ToList();
        var indexes = sensitive.Select(c => header.IndexOf(c) is var i and >= 0 ? i : throw new FormatException($"The data has no column '{c}'.")).ToArray();
        var values = sensitive.Select(_ => new List<string?>()).ToArray();
        while (reader.Read())
            for (var s = 0; s < indexes.Length; s++)
                values[s].Add(Present(reader.FieldString(indexes[s])));
        return sensitive.Select((name, s) => SensitiveColumn.FromValues(name, values[s])).ToList();
    }

    /// <summary>The value, or null for the portal's missing-value markers ("", "?", "NA", …): its own "(missing)" group.</summary>
    private static string? Present(string value) => MissingTokens.Contains(value.Trim()) ? null : value;

    private static readonly HashSet<string> MissingTokens = new(new InferenceOptions().MissingTokens, StringComparer.Ordinal);

    private static bool Positive(string value, string column, long line, string? positiveLabel)
    {
        var v = value.Trim();
        if (MissingTokens.Contains(v))
            throw new FormatException($"Line {line}, column '{column}': the value is missing; every row needs a label and a prediction.");
        if (positiveLabel is not null) return v == positiveLabel;
        return v switch
        {
            "1" => true,
            "0" => false,
            _ when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            _ when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw new FormatException($"Line {line}, column '{column}': '{v}' is not 0/1 or true/false (name the positive value with --positive-label)."),
        };
    }
}
