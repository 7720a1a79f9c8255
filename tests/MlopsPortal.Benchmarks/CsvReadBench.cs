using System.Diagnostics;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Benchmarks;

/// <summary>Times <see cref="CsvReader"/> alone over a file: parsing and UTF-8 validation, no typing or profiling.</summary>
public static class CsvReadBench
{
    public static void Run(string file, int rounds)
    {
        var bytes = new FileInfo(file).Length;
        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var reader = new CsvReader(stream);
            long fields = 0;
            while (reader.Read()) fields += reader.FieldCount;
            clock.Stop();
            Console.WriteLine($"round {round}: {reader.RowCount:N0} rows, {fields:N0} fields, {bytes / 1e6:0.0} MB in {clock.Elapsed.TotalSeconds:0.00} s = " +
                              $"{bytes / 1e6 / clock.Elapsed.TotalSeconds:0} MB/s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        }
    }

    /// <summary>Times reading plus type inference (every cell tried as integer, float, boolean and datetime).</summary>
    public static void RunTypes(string file, int rounds)
    {
        var bytes = new FileInfo(file).Length;
        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var (columns, rows, _) = CsvTypeScan.Infer(stream);
            clock.Stop();
            Console.WriteLine($"round {round}: {rows:N0} rows, {columns.Count} columns ({string.Join(", ", columns.GroupBy(c => c.Type).Select(g => $"{g.Count()} {g.Key}"))}) " +
                              $"in {clock.Elapsed.TotalSeconds:0.00} s = {bytes / 1e6 / clock.Elapsed.TotalSeconds:0} MB/s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        }
    }
}
