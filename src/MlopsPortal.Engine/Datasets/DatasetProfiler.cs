namespace MlopsPortal.Engine.Datasets;

public sealed record ProfileOptions
{
    public CsvReaderOptions Csv { get; init; } = new();
    public InferenceOptions Inference { get; init; } = new();
    public QuantileOptions Quantiles { get; init; } = new();
    /// <summary>How many of the most frequent categories a profile lists (the rest are summed as "other").</summary>
    public int TopCategories { get; init; } = 100;
}

/// <summary>One column of a profile.</summary>
public sealed record ColumnProfile(
    string Name, ColumnType Type, long Count, long Missing, double MissingRate,
    IReadOnlyList<KeyValuePair<string, long>> Categories, long OtherCategoriesCount,
    NumericSummary? Numeric, DateTime? MinDatetime, DateTime? MaxDatetime)
{
    public bool Nullable => Missing > 0;
}

/// <summary>A CSV's shape, schema and per-column profile, from one streaming pass.</summary>
public sealed record DatasetProfile(long Rows, IReadOnlyList<ColumnProfile> Columns, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a CSV once: types, missing counts, categories and numeric profiles for every column, in
/// memory bounded by the quantile settings (not by the file's size).
/// </summary>
public static class DatasetProfiler
{
    public static DatasetProfile Profile(Stream stream, ProfileOptions? options = null)
    {
        options ??= new ProfileOptions();
        using var reader = new CsvReader(stream, options.Csv);
        var n = reader.FieldCount;
        var trackers = new ColumnTypeTracker[n];
        var numbers = new NumericProfileBuilder?[n];
        for (var i = 0; i < n; i++)
        {
            trackers[i] = new ColumnTypeTracker(options.Inference);
            numbers[i] = new NumericProfileBuilder(options.Quantiles);
        }
        while (reader.Read())
        {
            for (var i = 0; i < n; i++)
            {
                var cell = reader.Field(i);
                if (!trackers[i].Observe(cell, reader.IsQuoted(i)) || numbers[i] is not { } builder)
                    continue;
                if (trackers[i].LastNumber is { } value)
                {
                    // NaN and ±∞ are dropped from the statistics, as drift does (contracts §5).
                    if (double.IsFinite(value)) builder.Add(value);
                }
                else
                {
                    numbers[i] = null; // not numeric after all: free what was kept
                }
            }
        }
        var columns = new List<ColumnProfile>(n);
        for (var i = 0; i < n; i++)
        {
            var t = trackers[i];
            var type = t.Result;
            var categories = type is ColumnType.Categorical or ColumnType.Boolean ? t.Categories : [];
            var top = categories.Take(options.TopCategories).ToList();
            columns.Add(new ColumnProfile(reader.Header[i], type, t.Count, t.Missing, t.Count == 0 ? 0 : (double)t.Missing / t.Count,
                top, categories.Skip(options.TopCategories).Sum(c => c.Value),
                type is ColumnType.Integer or ColumnType.Float ? numbers[i]?.Build() : null,
                type == ColumnType.Datetime ? t.MinDatetime : null, type == ColumnType.Datetime ? t.MaxDatetime : null));
        }
        return new DatasetProfile(reader.RowCount, columns, reader.Warnings);
    }
}
