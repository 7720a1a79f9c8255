using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Datasets;

/// <summary>Columns of a CSV file the portal wrote or received, found by name.</summary>
public static class CsvColumns
{
    /// <summary>The indexes of <paramref name="columns"/> in the file's header; a missing one is a clear error naming <paramref name="what"/>.</summary>
    public static int[] Indexes(CsvReader reader, IEnumerable<string> columns, string what) => columns.Select(c =>
        reader.Header.ToList().IndexOf(c) is var i and >= 0 ? i
            : throw new FormatException($"The {what} has no column '{c}' (it has {string.Join(", ", reader.Header.Take(12))}).")).ToArray();
}
