// Written by hand: no CSV library is available here that streams bytes with line/column errors and
// the limits below (ADR to follow with the registry issue).
using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace MlopsPortal.Engine.Datasets;

/// <summary>Limits and dialect of <see cref="CsvReader"/>.</summary>
public sealed record CsvReaderOptions
{
    public byte Delimiter { get; init; } = (byte)',';
    /// <summary>Fields longer than this (bytes, after unquoting) are rejected.</summary>
    public int MaxFieldBytes { get; init; } = 1 << 20;
    public int MaxColumns { get; init; } = 10_000;
    /// <summary>How many rows may have a different field count than the header before the file is rejected.</summary>
    public int RaggedRowTolerance { get; init; }
    /// <summary>Strip spaces and tabs around unquoted fields (UCI Adult writes ", " between fields).</summary>
    public bool TrimUnquotedWhitespace { get; init; } = true;
}

/// <summary>The file is not acceptable CSV: the message names the line and column (1-based).</summary>
public sealed class CsvFormatException(string message, long line, int column)
    : Exception($"Line {line}, column {column}: {message}")
{
    public long Line { get; } = line;
    public int Column { get; } = column;
    public string Reason { get; } = message;
}

/// <summary>
/// A streaming RFC 4180 reader over UTF-8 bytes: quoted fields with delimiters, quotes and line breaks,
/// CRLF or LF, an optional BOM. It never holds more than the current row. Rejects, naming line and
/// column: invalid UTF-8, binary content (NUL bytes), over-long fields, too many columns, an
/// unterminated quote, an empty file or a header without rows, and ragged rows beyond the tolerance.
/// Duplicate header names are kept, renamed with a suffix ("decile_score_2"), and reported in
/// <see cref="Warnings"/>. Rows with other field counts than the header are padded or cut only
/// within the tolerance, each with a warning.
/// </summary>
public sealed class CsvReader : IDisposable
{
    private const int ChunkSize = 1 << 16;
    private readonly Stream _stream;
    private readonly CsvReaderOptions _options;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _position;
    private int _length;
    private bool _endOfStream;
    private byte[] _row = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _rowLength;
    private int[] _fieldEnds = new int[64];
    private bool[] _fieldQuoted = new bool[64];
    private int _fieldCount;
    private long _line = 1;
    private int _raggedRows;
    private readonly List<string> _warnings = [];

    private readonly SearchValues<byte> _specials;

    public CsvReader(Stream stream, CsvReaderOptions? options = null)
    {
        _stream = stream;
        _options = options ?? new CsvReaderOptions();
        _specials = SearchValues.Create([_options.Delimiter, (byte)'\n', (byte)'\r', (byte)'"', 0]);
        Header = ReadHeader();
    }

    /// <summary>Column names, unique (duplicates renamed).</summary>
    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Data rows read so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>The line on which the current row starts (1-based; the header is line 1).</summary>
    public long RowLine { get; private set; }

    public int FieldCount => Header.Count;

    /// <summary>The raw UTF-8 bytes of a field of the current row (unquoted, trimmed if configured).</summary>
    public ReadOnlySpan<byte> Field(int index)
    {
        if (index >= _fieldCount) return [];
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _row.AsSpan(start, _fieldEnds[index] - start);
    }

    /// <summary>Whether the field was written in quotes (a quoted empty string is not missing).</summary>
    public bool IsQuoted(int index) => index < _fieldCount && _fieldQuoted[index];

    public string FieldString(int index) => Encoding.UTF8.GetString(Field(index));

    private IReadOnlyList<string> ReadHeader()
    {
        Fill();
        // A UTF-8 byte order mark is allowed and dropped.
        if (_length - _position >= 3 && _buffer[_position] == 0xEF && _buffer[_position + 1] == 0xBB && _buffer[_position + 2] == 0xBF)
            _position += 3;
        // UTF-16 (what some spreadsheet programs call "Unicode text") would otherwise read as NUL bytes.
        if (_length - _position >= 2 && ((_buffer[_position] == 0xFF && _buffer[_position + 1] == 0xFE) || (_buffer[_position] == 0xFE && _buffer[_position + 1] == 0xFF)))
            throw new CsvFormatException("the file is UTF-16 text, not UTF-8 (save it as \"CSV UTF-8\").", 1, 1);
        if (!ReadRecord())
            throw new CsvFormatException("the file is empty.", 1, 1);
        // Blank lines before the header are skipped; a file of nothing else has no header (it is not a table of
        // empty rows under a column with no name).
        while (IsBlankRecord())
            if (!ReadRecord())
                throw new CsvFormatException("the file has no header: it holds only blank lines.", _line, 1);
        var names = new List<string>(_fieldCount);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _fieldCount; i++)
        {
            var name = FieldString(i).Trim();
            if (name.Length == 0)
            {
                name = $"column_{i + 1}";
                _warnings.Add($"Column {i + 1} has no name; it is called \"{name}\".");
            }
            if (seen.TryGetValue(name, out var count))
            {
                var renamed = $"{name}_{count + 1}";
                while (seen.ContainsKey(renamed)) renamed += "_";
                seen[name] = count + 1;
                _warnings.Add($"Column {i + 1} repeats the name \"{name}\"; it is kept as \"{renamed}\".");
                name = renamed;
            }
            seen.TryAdd(name, 1);
            names.Add(name);
        }
        RowLine = 1;
        return names;
    }

    /// <summary>A record of unquoted fields that hold nothing but blanks.</summary>
    private bool IsBlankRecord()
    {
        for (var i = 0; i < _fieldCount; i++)
            if (_fieldQuoted[i] || !string.IsNullOrWhiteSpace(FieldString(i)))
                return false;
        return true;
    }

    /// <summary>Reads the next data row; false at the end. Throws <see cref="CsvFormatException"/> on bad input.</summary>
    public bool Read()
    {
        while (true)
        {
            var start = _line;
            if (!ReadRecord())
            {
                if (RowCount == 0)
                    throw new CsvFormatException("the file has a header but no data rows.", start, 1);
                return false;
            }
            // A blank line (one empty unquoted field) between records is skipped, as readers usually do.
            if (_fieldCount == 1 && _fieldEnds[0] == 0 && !_fieldQuoted[0] && Header.Count > 1)
                continue;
            RowLine = start;
            RowCount++;
            if (_fieldCount != Header.Count)
            {
                if (++_raggedRows > _options.RaggedRowTolerance)
                    throw new CsvFormatException(
                        $"the row has {_fieldCount} {(_fieldCount == 1 ? "field" : "fields")} but the header has {Header.Count}" +
                        (_options.RaggedRowTolerance > 0 ? $" (more than {_options.RaggedRowTolerance} such rows)." : "."),
                        start, Math.Min(_fieldCount, Header.Count) + 1);
                _warnings.Add($"Line {start} has {_fieldCount} fields instead of {Header.Count}; " +
                              (_fieldCount < Header.Count ? "the missing ones are empty." : "the extra ones are dropped."));
                PadOrCut();
            }
            return true;
        }
    }

    private void PadOrCut()
    {
        EnsureFieldCapacity(Header.Count);
        for (var i = _fieldCount; i < Header.Count; i++)
        {
            _fieldEnds[i] = _rowLength;
            _fieldQuoted[i] = false;
        }
        _fieldCount = Header.Count;
    }

    /// <summary>Parses one record into the row buffer. False when the stream ended before any byte.</summary>
    private bool ReadRecord()
    {
        _rowLength = 0;
        _fieldCount = 0;
        var delimiter = _options.Delimiter;
        var anyByte = false;
        var fieldStart = 0;
        var quoted = false;
        var inQuotes = false;
        var afterClosingQuote = false;
        var column = 1;
        var quoteLine = 0L;
        while (true)
        {
            if (_position >= _length)
            {
                if (_endOfStream || !Fill())
                {
                    if (inQuotes)
                        throw new CsvFormatException("a quoted field is not closed before the end of the file.", quoteLine, column);
                    if (!anyByte) return false;
                    EndField(ref fieldStart, quoted);
                    ValidateRow();
                    return true;
                }
            }
            // Fast path: copy a run of ordinary bytes at once (vectorized search for the next special byte).
            if (!afterClosingQuote)
            {
                var available = _buffer.AsSpan(_position, _length - _position);
                var run = inQuotes ? available.IndexOfAny(QuotedSpecials) : available.IndexOfAny(_specials);
                if (run < 0) run = available.Length;
                if (run > 0)
                {
                    AppendRange(available[..run], column);
                    _position += run;
                    anyByte = true;
                    continue;
                }
            }
            var b = _buffer[_position++];
            anyByte = true;
            if (b == 0)
                throw new CsvFormatException("the file contains a NUL byte: it looks binary, not CSV text.", _line, column);
            if (inQuotes)
            {
                if (b == (byte)'"')
                {
                    if (Peek() == (byte)'"')
                    {
                        _position++;
                        Append(b, column);
                    }
                    else
                    {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                }
                else
                {
                    if (b == (byte)'\n') _line++;
                    Append(b, column);
                }
                continue;
            }
            if (b == delimiter)
            {
                EndField(ref fieldStart, quoted);
                quoted = false;
                afterClosingQuote = false;
                column++;
                if (column > _options.MaxColumns)
                    throw new CsvFormatException($"the row has more than {_options.MaxColumns:N0} columns.", _line, column);
                continue;
            }
            if (b == (byte)'\n' || b == (byte)'\r')
            {
                if (b == (byte)'\r' && Peek() == (byte)'\n') _position++;
                EndField(ref fieldStart, quoted);
                ValidateRow();
                _line++;
                return true;
            }
            if (b == (byte)'"' && !afterClosingQuote && IsBlank(fieldStart))
            {
                // A quote opens a field only at its start (after optional blanks, which are dropped).
                _rowLength = fieldStart;
                quoted = true;
                inQuotes = true;
                quoteLine = _line;
                continue;
            }
            if (afterClosingQuote)
            {
                if (b is (byte)' ' or (byte)'\t') continue;
                throw new CsvFormatException("unexpected text after a closing quote (a quote inside a quoted field is written \"\").", _line, column);
            }
            Append(b, column);
        }
    }

    private bool IsBlank(int fieldStart)
    {
        for (var i = fieldStart; i < _rowLength; i++)
            if (_row[i] is not ((byte)' ' or (byte)'\t')) return false;
        return true;
    }

    private byte Peek()
    {
        if (_position >= _length && (_endOfStream || !Fill())) return 0xFF;
        return _buffer[_position];
    }

    private static readonly SearchValues<byte> QuotedSpecials = SearchValues.Create("\"\n\0"u8);

    private void AppendRange(ReadOnlySpan<byte> bytes, int column)
    {
        if (_rowLength + bytes.Length > _row.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_row.Length * 2, _rowLength + bytes.Length));
            _row.AsSpan(0, _rowLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_row);
            _row = bigger;
        }
        bytes.CopyTo(_row.AsSpan(_rowLength));
        _rowLength += bytes.Length;
        var start = _fieldCount == 0 ? 0 : _fieldEnds[_fieldCount - 1];
        if (_rowLength - start > _options.MaxFieldBytes)
            throw new CsvFormatException($"a field is longer than {_options.MaxFieldBytes / 1024 / 1024.0:0.##} MiB.", _line, column);
    }

    private void Append(byte b, int column) => AppendRange(new ReadOnlySpan<byte>(in b), column);

    private void EndField(ref int fieldStart, bool quoted)
    {
        EnsureFieldCapacity(_fieldCount + 1);
        var end = _rowLength;
        if (!quoted && _options.TrimUnquotedWhitespace)
        {
            var start = fieldStart;
            while (end > start && _row[end - 1] is (byte)' ' or (byte)'\t') end--;
            var lead = start;
            while (lead < end && _row[lead] is (byte)' ' or (byte)'\t') lead++;
            if (lead > start)
            {
                _row.AsSpan(lead, end - lead).CopyTo(_row.AsSpan(start));
                end -= lead - start;
            }
        }
        _rowLength = end;
        _fieldEnds[_fieldCount] = end;
        _fieldQuoted[_fieldCount] = quoted;
        _fieldCount++;
        fieldStart = end;
    }

    private void EnsureFieldCapacity(int count)
    {
        if (count <= _fieldEnds.Length) return;
        Array.Resize(ref _fieldEnds, Math.Max(count, _fieldEnds.Length * 2));
        Array.Resize(ref _fieldQuoted, _fieldEnds.Length);
    }

    /// <summary>Every field must be valid UTF-8; the error names the first bad field.</summary>
    private void ValidateRow()
    {
        if (Utf8.IsValid(_row.AsSpan(0, _rowLength))) return;
        for (var i = 0; i < _fieldCount; i++)
            if (!Utf8.IsValid(Field(i)))
                throw new CsvFormatException("the text is not valid UTF-8 (save the file as UTF-8).", _line, i + 1);
    }

    private bool Fill()
    {
        if (_endOfStream) return false;
        var remaining = _length - _position;
        if (remaining > 0)
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, remaining);
        _position = 0;
        _length = remaining;
        var read = _stream.Read(_buffer, _length, _buffer.Length - _length);
        if (read == 0)
        {
            _endOfStream = true;
            return _length > 0;
        }
        _length += read;
        return true;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        if (_row.Length > 0) ArrayPool<byte>.Shared.Return(_row);
        _buffer = [];
        _row = [];
    }
}
