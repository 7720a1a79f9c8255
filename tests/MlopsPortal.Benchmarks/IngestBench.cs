using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// Dataset ingest as the portal does it (contracts §7: CSV parsing is its own benchmark): stream the file
/// into the artifact store while hashing, then one profiling pass (types, missing counts, quantiles,
/// histograms, category frequencies), then the version and its audit event in SQLite.
/// </summary>
public static class IngestBench
{
    public static async Task RunAsync(string file, int rounds)
    {
        var bytes = new FileInfo(file).Length;
        for (var round = 1; round <= rounds; round++)
        {
            await using var portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
            await using var scope = portal.Scope();
            var datasets = portal.Get<DatasetService>(scope);
            var clock = Stopwatch.StartNew();
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var (version, _) = await datasets.AddAsync(Actor.Cli(), stream, "bench", Path.GetFileName(file));
            clock.Stop();
            Console.WriteLine($"round {round}: {version.RowCount:N0} rows × {version.ColumnCount} columns, {bytes / 1e6:0.0} MB in {clock.Elapsed.TotalSeconds:0.00} s = " +
                              $"{bytes / 1e6 / clock.Elapsed.TotalSeconds:0} MB/s; peak resident memory {PeakResidentMegabytes():0} MB");
        }
    }

    /// <summary>VmHWM: the most resident memory this process has had (what `time -v` calls maximum resident set size).</summary>
    public static double PeakResidentMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
    }

    private static readonly string[] States = ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"];
    private static readonly string[] Segments = ["retail", "small business", "corporate"];
    private static readonly string[] Products = ["loan", "card", "mortgage", "savings", "checking"];
    private static readonly string[] Words = ["late", "payment", "called", "branch", "online", "dispute", "fee", "waived", "address", "changed", "limit", "raised"];

    /// <summary>
    /// A seeded 20-column CSV in the shape of a customer table: integers, floats, categories, booleans,
    /// dates, free text (some quoted, with commas) and about 2 % missing values in three columns.
    /// </summary>
    public static void Generate(string file, int rows)
    {
        var random = new Random(20261123);
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("customer_id,age,income,credit_score,balance,accounts,utilisation,product,state,segment,has_default,is_active," +
                     "opened_on,last_login,email,tenure_months,monthly_spend,rating,zip,notes\n");
        var start = new DateTime(2015, 1, 1);
        var c = CultureInfo.InvariantCulture;
        for (var i = 1; i <= rows; i++)
        {
            var age = 18 + random.Next(70);
            var income = Math.Round(20_000 + random.NextDouble() * 180_000, 2);
            var note = random.Next(10) == 0
                ? $"\"{Words[random.Next(Words.Length)]}, {Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}\""
                : Words[random.Next(Words.Length)];
            writer.Write(string.Create(c,
                $"{i},{age},{income},{300 + random.Next(551)},{Math.Round(random.NextDouble() * 20_000 - 2_000, 2)},{1 + random.Next(6)}," +
                $"{(random.Next(50) == 0 ? "NA" : Math.Round(random.NextDouble(), 4).ToString(c))},{Products[random.Next(Products.Length)]}," +
                $"{States[random.Next(States.Length)]},{Segments[random.Next(Segments.Length)]},{(random.Next(20) == 0 ? "true" : "false")}," +
                $"{(random.Next(4) == 0 ? "false" : "true")},{start.AddDays(random.Next(3650)):yyyy-MM-dd},{start.AddSeconds(random.NextInt64(315_360_000)):yyyy-MM-dd HH:mm:ss}," +
                $"user{i}@example.com,{random.Next(240)},{(random.Next(50) == 0 ? "" : Math.Round(random.NextDouble() * 5_000, 2).ToString(c))}," +
                $"{(random.Next(50) == 0 ? "?" : (1 + random.Next(5)).ToString(c))},{10_000 + random.Next(89_999)},{note}\n"));
        }
        Console.WriteLine($"Wrote {rows:N0} rows × 20 columns to {file} ({new FileInfo(file).Length / 1e6:0.0} MB).");
    }
}
