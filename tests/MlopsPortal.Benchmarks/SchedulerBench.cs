using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The scheduler's two figures on a real 2-node cluster (two `worker` processes, PostgreSQL):
/// short jobs completed per second, and the time from a node's SIGKILL to its job restarting elsewhere.
/// </summary>
public static class SchedulerBench
{
    public static async Task RunAsync(int jobs, int rounds, int kills, string[] workerArgs)
    {
        Console.WriteLine($"Scheduler bench: {jobs} short jobs × {rounds} rounds, {kills} node kills; worker args: {string.Join(' ', workerArgs)}");
        var throughput = new List<double>();
        for (var round = 1; round <= rounds; round++)
            throughput.Add(await ThroughputRoundAsync(jobs, round, workerArgs));
        var recovery = new List<(double FromKill, double FromHeartbeat)>();
        for (var kill = 1; kill <= kills; kill++)
            recovery.Add(await RecoveryRoundAsync(kill, workerArgs));

        Console.WriteLine();
        Console.WriteLine($"Throughput (jobs/s, first started → last finished, 2 nodes): median {Median(throughput):0.0}, runs {string.Join(", ", throughput.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"Recovery (s, SIGKILL → restarted on the other node): median {Median(recovery.Select(r => r.FromKill)):0.0}, runs {string.Join(", ", recovery.Select(r => r.FromKill.ToString("0.0", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"Recovery (s, dead node's last heartbeat → restart): median {Median(recovery.Select(r => r.FromHeartbeat)):0.0}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private sealed class Cluster : IAsyncDisposable
    {
        public required TempDirectory Dir { get; init; }
        public required string ConnectionString { get; init; }
        public required SchedulingHost Client { get; init; }
        public required List<WorkerProcess> Workers { get; init; }

        public static async Task<Cluster> StartAsync(string[] workerArgs, bool startWorkers = true)
        {
            var dir = new TempDirectory();
            var cs = await PostgresServer.CreateDatabaseAsync("bench");
            var client = await SchedulingHost.StartClientAsync(DatabaseProvider.Postgres, cs, dir.Path);
            var cluster = new Cluster { Dir = dir, ConnectionString = cs, Client = client, Workers = [] };
            if (startWorkers) await cluster.StartWorkersAsync(workerArgs);
            return cluster;
        }

        public async Task StartWorkersAsync(string[] workerArgs)
        {
            Workers.AddRange([WorkerProcess.Start(ConnectionString, Dir.Path, "cpu", workerArgs), WorkerProcess.Start(ConnectionString, Dir.Path, "cpu", workerArgs)]);
            await Task.WhenAll(Workers.Select(w => w.WaitUntilRunningAsync()));
        }

        public async Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> query)
        {
            await using var db = await Client.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            return await query(db);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var w in Workers) await w.DisposeAsync();
            await Client.DisposeAsync();
            Dir.Dispose();
        }
    }

    private static async Task<double> ThroughputRoundAsync(int jobs, int round, string[] workerArgs)
    {
        // Queue everything first, then start the two nodes: the figure is how fast the cluster drains a
        // backlog (first start → last finish), not how fast one client can queue.
        await using var cluster = await Cluster.StartAsync(workerArgs, startWorkers: false);
        var jobService = cluster.Client.Get<JobService>();
        var enqueue = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
            await jobService.EnqueueAsync(Actor.Cli(), new JobRequest(RunDiagnosticJob.Kind, new DiagnosticPayload(), "bench"));
        enqueue.Stop();
        await cluster.StartWorkersAsync(workerArgs);
        while (await cluster.DbAsync(db => db.JobRuns.CountAsync(r => r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running)) > 0)
            await Task.Delay(100);
        var runs = await cluster.DbAsync(db => db.JobRuns.AsNoTracking().ToListAsync());
        var span = (runs.Max(r => r.FinishedAt!.Value) - runs.Min(r => r.StartedAt!.Value)).TotalSeconds;
        var perNode = runs.GroupBy(r => r.NodeId).Select(g => g.Count()).ToList();
        var ok = runs.Count(r => r.Status == JobRunStatus.Succeeded && r.Attempts == 1);
        Console.WriteLine($"round {round}: {jobs} jobs in {span:0.00} s = {jobs / span:0.0} jobs/s (queued beforehand by one client at {jobs / enqueue.Elapsed.TotalSeconds:0} jobs/s); " +
                          $"split {string.Join("/", perNode)}; succeeded once: {ok}/{jobs}");
        if (ok != jobs) throw new InvalidOperationException("A job did not run exactly once: the bench result is invalid.");
        return jobs / span;
    }

    private static async Task<(double, double)> RecoveryRoundAsync(int round, string[] workerArgs)
    {
        await using var cluster = await Cluster.StartAsync(workerArgs);
        var run = await cluster.Client.Get<JobService>().EnqueueAsync(Actor.Cli(),
            new JobRequest(RunDiagnosticJob.Kind, new DiagnosticPayload(DurationSeconds: 120, Steps: 120), "bench"));
        JobRun current;
        while ((current = await cluster.DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id))).Status != JobRunStatus.Running)
            await Task.Delay(50);
        // Let it run a little, so that the dead node has written heartbeats.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var victim = cluster.Workers.Single(w => current.NodeId!.Contains($"-{w.ProcessId}-"));
        var killed = Stopwatch.StartNew();
        victim.Kill();
        JobRun restarted;
        while ((restarted = await cluster.DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id))).NodeId == current.NodeId)
            await Task.Delay(50);
        var fromKill = killed.Elapsed.TotalSeconds;
        Console.WriteLine($"kill {round}: restarted on {restarted.NodeId} {fromKill:0.0} s after SIGKILL, {restarted.RecoveredAfterSeconds:0.0} s after the last heartbeat");
        return (fromKill, restarted.RecoveredAfterSeconds ?? double.NaN);
    }
}
