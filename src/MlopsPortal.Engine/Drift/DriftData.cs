using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Drift;

/// <summary>The columns of a reference and a current CSV as drift samples, typed by the reference (contracts §5).</summary>
public sealed record DriftInput(IReadOnlyList<DriftSample> Reference, IReadOnlyList<DriftSample> Current, IReadOnlyList<string> Skipped,
    IReadOnlyDictionary<string, long> TypeViolations, IReadOnlyList<string> MissingInCurrent);

public static class DriftData
{
    /// <summary>
    /// Reads both files. The reference's inferred types decide: integers and floats are numeric, booleans and categories
    /// categorical, dates and text are skipped; a column with no value at all in the reference is numeric and empty. A
    /// current cell that does not fit a numeric column counts as a type violation (and as missing).
    /// </summary>
    public static DriftInput Read(Func<Stream> openReference, Func<Stream> openCurrent, IReadOnlyCollection<string>? columns = null) =>
        Read(openReference, [openCurrent], columns);

    /// <summary>As <see cref="Read(Func{Stream}, Func{Stream}, IReadOnlyCollection{string}?)"/>, with the current data in several files (their rows together).</summary>
    public static DriftInput Read(Func<Stream> openReference, IReadOnlyList<Func<Stream>> openCurrents, IReadOnlyCollection<string>? columns = null)
    {
        IReadOnlyList<InferredColumn> inferred;
        using (var s = openReference())
            inferred = CsvTypeScan.Infer(s).Columns;
        var wanted = columns is { Count: > 0 } ? columns : inferred.Select(c => c.Name).ToList();
        var unknown = wanted.Where(w => inferred.All(c => c.Name != w)).ToList();
        if (unknown.Count > 0)
            throw new FormatException($"The reference has no column {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
        var skipped = new List<string>();
        var kinds = new Dictionary<string, bool>(); // column → numeric?
        foreach (var c in inferred.Where(c => wanted.Contains(c.Name)))
        {
            if (c.Count == c.Missing) kinds[c.Name] = true;
            else if (c.Type is ColumnType.Integer or ColumnType.Float) kinds[c.Name] = true;
            else if (c.Type is ColumnType.Boolean or ColumnType.Categorical) kinds[c.Name] = false;
            else skipped.Add(c.Name);
        }
        var violations = new Dictionary<string, long>();
        List<DriftSample> reference, current;
        using (var s = openReference()) reference = ReadSamples(s, kinds, null, out _);
        var parts = new List<List<DriftSample>>();
        var missingInCurrent = new HashSet<string>();
        foreach (var open in openCurrents)
        {
            using var s = open();
            parts.Add(ReadSamples(s, kinds, violations, out var absent));
            missingInCurrent.UnionWith(absent);
        }
        current = parts.Count == 1 ? parts[0] : Merge(parts);
        return new DriftInput(reference, current, skipped, violations, [.. missingInCurrent]);
    }

    /// <summary>One sample per column from several files' samples of it.</summary>
    private static List<DriftSample> Merge(List<List<DriftSample>> parts) =>
        parts.SelectMany(p => p).GroupBy(s => s.Name).Select(g => g.First() switch
        {
            NumericSample => (DriftSample)new NumericSample(g.Key, g.Cast<NumericSample>().SelectMany(n => n.Sorted).ToArray(), g.Sum(n => n.Missing)),
            _ => CategoricalSample.FromValues(g.Key, g.Cast<CategoricalSample>().SelectMany(c => c.Codes.Select(code => (string?)c.Categories[code])))
                with { Missing = g.Sum(c => c.Missing) },
        }).ToList();

    private static readonly byte[][] MissingTokens = new InferenceOptions().MissingTokens.Select(Encoding.UTF8.GetBytes).ToArray();

    private static bool IsMissing(ReadOnlySpan<byte> cell)
    {
        foreach (var token in MissingTokens)
            if (Ascii.EqualsIgnoreCase(cell, token)) return true;
        return false;
    }

    private static List<DriftSample> ReadSamples(Stream stream, Dictionary<string, bool> kinds, Dictionary<string, long>? violations, out List<string> absent)
    {
        using var reader = new CsvReader(stream, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var header = reader.Header.ToList();
        absent = kinds.Keys.Where(k => !header.Contains(k)).ToList();
        var present = kinds.Keys.Where(header.Contains).ToList();
        var index = present.Select(c => header.IndexOf(c)).ToArray();
        var numbers = present.Select(_ => new List<double>()).ToArray();
        var texts = present.Select(_ => new List<string?>()).ToArray();
        var missing = new int[present.Count];
        var bad = new long[present.Count];
        while (reader.Read())
        {
            for (var k = 0; k < present.Count; k++)
            {
                var cell = reader.Field(index[k]);
                var quoted = reader.IsQuoted(index[k]);
                if (!quoted && IsMissing(cell))
                {
                    missing[k]++;
                    if (!kinds[present[k]]) texts[k].Add(null);
                    continue;
                }
                if (kinds[present[k]])
                {
                    if (ColumnTypeTracker.TryParseDouble(cell, out var v)) numbers[k].Add(v);
                    else { missing[k]++; bad[k]++; }
                }
                else texts[k].Add(Encoding.UTF8.GetString(cell));
            }
        }
        var samples = new List<DriftSample>();
        for (var k = 0; k < present.Count; k++)
        {
            if (violations is not null && bad[k] > 0) violations[present[k]] = violations.GetValueOrDefault(present[k]) + bad[k];
            samples.Add(kinds[present[k]]
                ? new NumericSample(present[k], [.. numbers[k]], missing[k])
                : CategoricalSample.FromValues(present[k], texts[k]));
        }
        return samples;
    }
}
