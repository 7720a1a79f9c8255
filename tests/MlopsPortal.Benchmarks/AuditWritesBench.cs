using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// Audited writes under contention: W writers start at the same moment, each a fresh DbContext from the factory that
/// adds one governed row (a dataset) with its audit event and saves it — the shape of every audited change. Each
/// write's latency is timed from the common start to its SaveChangesAsync returning; the figures are p50, p99 and
/// the time until the last one committed, per round, and the chain must verify with no gap afterwards.
/// </summary>
public static class AuditWritesBench
{
    public static async Task RunAsync(string provider, int writers, int rounds)
    {
        var kind = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        // A deployment's pool, not the tests' smaller one: Npgsql's default of 100 connections.
        var connectionString = kind == DatabaseProvider.Postgres
            ? new Npgsql.NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench")) { MaxPoolSize = 100 }.ConnectionString
            : null;
        await using var portal = await PortalServices.StartAsync(kind, connectionString: connectionString);
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        Console.WriteLine($"Audit-writes bench on {kind}: {writers} concurrent audited writes × {rounds} rounds (+ 1 warm-up round).");
        Console.WriteLine();
        Console.WriteLine("| round | p50 ms | p99 ms | max (last commit) ms |");
        Console.WriteLine("|---|---|---|---|");
        var p50s = new List<double>();
        var p99s = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            var latencies = await RoundAsync(factory, writers, round);
            if (round == 0) continue;
            latencies.Sort();
            var (p50, p99, max) = (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
            p50s.Add(p50);
            p99s.Add(p99);
            Console.WriteLine(FormattableString.Invariant($"| {round} | {p50:0} | {p99:0} | {max:0} |"));
        }
        await using (var scope = portal.Scope())
        {
            var result = await portal.Get<AuditTrailService>(scope).VerifyAsync(Actor.Cli());
            if (!result.Intact || result.EventsChecked != (long)writers * (rounds + 1))
                throw new InvalidOperationException($"The chain is not what the writes made: {result.Describe()}");
        }
        p50s.Sort();
        p99s.Sort();
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"Median of rounds: p50 {p50s[p50s.Count / 2]:0} ms, p99 {p99s[p99s.Count / 2]:0} ms; chain verified, no gaps."));
    }

    private static async Task<List<double>> RoundAsync(IDbContextFactory<PortalDbContext> factory, int writers, int round)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            await using var db = await factory.CreateDbContextAsync();
            var id = Guid.NewGuid();
            var now = DateTime.UtcNow;
            var name = $"bench-{round}-{w}";
            db.Datasets.Add(new Dataset { Id = id, Name = name, CreatedBy = "cli:bench", CreatedAt = now, UpdatedBy = "cli:bench", UpdatedAt = now });
            db.Audit("cli:bench", "dataset.created", "dataset", id.ToString(), new { name });
            await db.SaveChangesAsync();
            return clock.Elapsed.TotalMilliseconds;
        })).ToList();
        // Let every writer reach the gate before the clock starts.
        await Task.Delay(200);
        clock.Start();
        start.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
