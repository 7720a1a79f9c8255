// Written by hand: type inference over UTF-8 spans, without allocating a string per cell.
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MlopsPortal.Engine.Datasets;

/// <summary>The inferred type of a column (issue 4: integer, float, boolean, categorical, datetime, text).</summary>
public enum ColumnType
{
    Integer,
    Float,
    Boolean,
    Categorical,
    Datetime,
    Text,
}

/// <summary>What counts as missing and when text becomes categorical.</summary>
public sealed record InferenceOptions
{
    /// <summary>Unquoted cells equal to one of these (case-insensitive) are missing.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = ["", "?", "NA", "N/A", "null", "NaN"];
    /// <summary>Non-numeric columns with at most this many distinct values are categorical.</summary>
    public int MaxCategories { get; init; } = 100;
}

/// <summary>
/// Watches one column's cells and keeps which types all of them still fit. Integer ⊂ float; booleans
/// are true/false/yes/no (not 0/1, which stay integers); datetimes are ISO 8601 dates or date-times.
/// </summary>
public sealed class ColumnTypeTracker(InferenceOptions options)
{
    private readonly byte[][] _missing = options.MissingTokens.Select(Encoding.UTF8.GetBytes).ToArray();
    private bool _integer = true, _float = true, _boolean = true, _datetime = true;
    private readonly Dictionary<string, long> _distinct = new(StringComparer.Ordinal);
    private bool _tooManyDistinct;

    public long Count { get; private set; }
    public long Missing { get; private set; }
    /// <summary>The earliest and latest values while every value so far was a datetime.</summary>
    public DateTime MinDatetime { get; private set; }
    public DateTime MaxDatetime { get; private set; }
    /// <summary>True while every non-missing value so far is a number.</summary>
    public bool StillNumeric => _float;
    /// <summary>The number the last observed cell held, while the column is still numeric (parsed once, here).</summary>
    public double? LastNumber { get; private set; }

    public bool IsMissing(ReadOnlySpan<byte> cell, bool quoted)
    {
        if (quoted) return false;
        foreach (var token in _missing)
            if (cell.Length == token.Length && Ascii.EqualsIgnoreCase(cell, token))
                return true;
        return false;
    }

    /// <summary>Observes a cell; returns false when it is missing.</summary>
    public bool Observe(ReadOnlySpan<byte> cell, bool quoted)
    {
        Count++;
        LastNumber = null;
        if (IsMissing(cell, quoted))
        {
            Missing++;
            return false;
        }
        if (_integer && !Utf8Parser.TryParse(cell, out long _, out var used) | (used != cell.Length)) _integer = false;
        LastNumber = null;
        if (_float)
        {
            if (TryParseDouble(cell, out var number)) LastNumber = number;
            else _float = false;
        }
        if (_boolean && !TryParseBoolean(cell, out _)) _boolean = false;
        if (_datetime)
        {
            if (!TryParseDateTime(cell, out var moment)) _datetime = false;
            else
            {
                if (moment < MinDatetime || MinDatetime == default) MinDatetime = moment;
                if (moment > MaxDatetime) MaxDatetime = moment;
            }
        }
        if (!_tooManyDistinct && !_integer && !_float)
            CountDistinct(cell);
        return true;
    }

    /// <summary>Counts a value without allocating a string for values already seen (the common case).</summary>
    private void CountDistinct(ReadOnlySpan<byte> cell)
    {
        var lookup = _distinct.GetAlternateLookup<ReadOnlySpan<char>>();
        char[]? rented = null;
        var chars = cell.Length <= 256 ? stackalloc char[cell.Length] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(cell.Length));
        var written = Encoding.UTF8.GetChars(cell, chars);
        var key = chars[..written];
        if (lookup.TryGetValue(key, out var count))
            lookup[key] = count + 1;
        else
        {
            _distinct[key.ToString()] = 1;
            if (_distinct.Count > options.MaxCategories) _tooManyDistinct = true;
        }
        if (rented is not null) System.Buffers.ArrayPool<char>.Shared.Return(rented);
    }

    public ColumnType Result =>
        Count == Missing ? ColumnType.Text
        : _boolean ? ColumnType.Boolean
        : _integer ? ColumnType.Integer
        : _float ? ColumnType.Float
        : _datetime ? ColumnType.Datetime
        : !_tooManyDistinct ? ColumnType.Categorical
        : ColumnType.Text;

    /// <summary>Value counts of a categorical (or boolean) column, most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Categories =>
        _tooManyDistinct ? [] : _distinct.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();

    public static bool TryParseDouble(ReadOnlySpan<byte> cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)
        || TryParseNonFinite(cell, out value);

    private static bool TryParseNonFinite(ReadOnlySpan<byte> cell, out double value)
    {
        value = Ascii.EqualsIgnoreCase(cell, "inf"u8) || Ascii.EqualsIgnoreCase(cell, "infinity"u8) ? double.PositiveInfinity
            : Ascii.EqualsIgnoreCase(cell, "-inf"u8) || Ascii.EqualsIgnoreCase(cell, "-infinity"u8) ? double.NegativeInfinity
            : double.NaN;
        return !double.IsNaN(value);
    }

    public static bool TryParseBoolean(ReadOnlySpan<byte> cell, out bool value)
    {
        if (Ascii.EqualsIgnoreCase(cell, "true"u8) || Ascii.EqualsIgnoreCase(cell, "yes"u8)) { value = true; return true; }
        if (Ascii.EqualsIgnoreCase(cell, "false"u8) || Ascii.EqualsIgnoreCase(cell, "no"u8)) { value = false; return true; }
        value = false;
        return false;
    }

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    /// <summary>ISO 8601 dates and date-times only: other spellings are ambiguous (is 01/02 January or February?).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> cell, out DateTime value)
    {
        value = default;
        if (cell.Length is < 10 or > 40 || cell[4] != (byte)'-') return false;
        Span<char> chars = stackalloc char[cell.Length];
        for (var i = 0; i < cell.Length; i++) chars[i] = (char)cell[i];
        return DateTime.TryParseExact(chars, DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
    }
}

/// <summary>A column's name, type and counts after a pass over a file.</summary>
public sealed record InferredColumn(string Name, ColumnType Type, long Count, long Missing, IReadOnlyList<KeyValuePair<string, long>> Categories)
{
    public bool Nullable => Missing > 0;
}

/// <summary>One pass over a CSV: the reader's header and warnings, and each column's inferred type.</summary>
public static class CsvTypeScan
{
    public static (IReadOnlyList<InferredColumn> Columns, long Rows, IReadOnlyList<string> Warnings) Infer(
        Stream stream, InferenceOptions? inference = null, CsvReaderOptions? csv = null)
    {
        inference ??= new InferenceOptions();
        using var reader = new CsvReader(stream, csv);
        var trackers = reader.Header.Select(_ => new ColumnTypeTracker(inference)).ToArray();
        while (reader.Read())
            for (var i = 0; i < trackers.Length; i++)
                trackers[i].Observe(reader.Field(i), reader.IsQuoted(i));
        var columns = reader.Header.Select((name, i) => new InferredColumn(name, trackers[i].Result, trackers[i].Count, trackers[i].Missing,
            trackers[i].Result is ColumnType.Categorical or ColumnType.Boolean ? trackers[i].Categories : [])).ToList();
        return (columns, reader.RowCount, reader.Warnings);
    }
}
