namespace MlopsPortal.Testing;

/// <summary>Reads the tables of docs/roles.md: row key (the first cell, without backticks) → column → allowed.</summary>
public sealed class RolesDocument
{
    public const string Anonymous = "Anonymous";

    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>>> Tables { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Table(string firstHeader) =>
        Tables.TryGetValue(firstHeader, out var t) ? t : throw new InvalidOperationException($"docs/roles.md has no table headed '{firstHeader}'.");

    public static RolesDocument Load() => Parse(File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "docs", "roles.md")));

    public static RolesDocument Parse(IEnumerable<string> lines)
    {
        var tables = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>>>();
        string[]? header = null;
        Dictionary<string, IReadOnlyDictionary<string, bool>>? rows = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (!line.StartsWith('|'))
            {
                header = null;
                continue;
            }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (header is null)
            {
                header = cells;
                rows = [];
                tables[header[0]] = rows;
                continue;
            }
            if (cells.All(c => c.Trim('-', ':').Length == 0))
                continue;
            var key = cells[0].Trim('`');
            var allowed = new Dictionary<string, bool>();
            // Two-column tables (commands) hold prose, not a matrix.
            for (var i = 1; header.Length > 2 && i < Math.Min(cells.Length, header.Length); i++)
            {
                allowed[header[i]] = cells[i] switch
                {
                    "✓" => true,
                    "—" => false,
                    var other => throw new FormatException($"docs/roles.md: cell '{other}' in row '{key}' must be ✓ or —."),
                };
            }
            rows![key] = allowed;
        }
        return new RolesDocument { Tables = tables };
    }
}
