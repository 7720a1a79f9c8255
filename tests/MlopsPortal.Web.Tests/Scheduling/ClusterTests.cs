using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;
using Xunit.Abstractions;

namespace MlopsPortal.Web.Tests.Scheduling;

/// <summary>
/// The production shape: real `worker` processes and an in-process client on one PostgreSQL
/// database, forming one Quartz cluster.
/// </summary>
[Collection("cluster")]
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private string _connectionString = "";
    private SchedulingHost _client = default!;
    private readonly List<WorkerProcess> _workers = [];

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync("cluster");
        _client = await SchedulingHost.StartClientAsync(DatabaseProvider.Postgres, _connectionString, _dir.Path);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            output.WriteLine($"--- worker {w.ProcessId} ---\n{w.Output}");
            await w.DisposeAsync();
        }
        await _client.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string[]> StartWorkersAsync(int count, string capabilities = "cpu")
    {
        var started = Enumerable.Range(0, count).Select(_ => WorkerProcess.Start(_connectionString, _dir.Path, capabilities)).ToList();
        _workers.AddRange(started);
        return await Task.WhenAll(started.Select(w => w.WaitUntilRunningAsync()));
    }

    private async Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var db = await _client.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>Polls until the condition holds; the limit only stops a broken run from hanging.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int limitSeconds = 180)
    {
        var limit = Stopwatch.StartNew();
        while (!await condition())
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(limitSeconds))
                throw new TimeoutException($"Gave up waiting for: {what}");
            await Task.Delay(250);
        }
    }

    private Task<JobRun> EnqueueAsync(DiagnosticPayload payload) =>
        _client.Get<JobService>().EnqueueAsync(Actor.Cli(), new JobRequest(RunDiagnosticJob.Kind, payload, "test", payload.RequiresGpu));

    [PostgresFact]
    public async Task ShouldRunEachJobExactlyOnce_WhenTwoWorkerProcessesShare200Jobs()
    {
        var nodes = await StartWorkersAsync(2);
        var runs = new List<Guid>();
        for (var i = 0; i < 200; i++)
            runs.Add((await EnqueueAsync(new DiagnosticPayload())).Id);

        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.Where(r => runs.Contains(r.Id)).AllAsync(r => r.Status != JobRunStatus.Queued && r.Status != JobRunStatus.Running)), "200 runs finished");

        // Only the test's own runs: a housekeeping schedule (approval expiry, every 15 minutes) may fire meanwhile.
        var finished = await DbAsync(db => db.JobRuns.AsNoTracking().Where(r => runs.Contains(r.Id)).ToListAsync());
        finished.Count.ShouldBe(200);
        finished.ShouldAllBe(r => r.Status == JobRunStatus.Succeeded);
        finished.ShouldAllBe(r => r.Attempts == 1);
        // Each execution writes one "Started on" line: 200 lines means 200 executions, none twice.
        var starts = await DbAsync(db => db.JobLogLines.Where(l => runs.Contains(l.JobRunId) && l.Message.StartsWith("Started on")).GroupBy(l => l.JobRunId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        starts.Count.ShouldBe(200);
        starts.ShouldAllBe(s => s.Count == 1);
        var perNode = finished.GroupBy(r => r.NodeId!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("Runs per node: " + string.Join(", ", perNode.Select(p => $"{p.Key}={p.Value}")));
        perNode.Keys.ShouldBeSubsetOf(nodes);
        perNode.Count.ShouldBe(2, "both workers should have taken jobs from the shared store");
        // One success event per run, counted for the test's own runs only (the housekeeping schedule writes its own).
        var ids = runs.Select(r => r.ToString()).ToList();
        (await DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == "job.succeeded" && ids.Contains(e.EntityId)))).ShouldBe(200);
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "artifacts", "diagnostics"));
        files.Length.ShouldBe(200);
    }

    [PostgresFact]
    public async Task ShouldFinishRecoverableJobOnTheOtherWorker_WhenItsNodeIsKilled()
    {
        await StartWorkersAsync(2);
        var run = await EnqueueAsync(new DiagnosticPayload(DurationSeconds: 12, Steps: 12));
        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.AnyAsync(r => r.Id == run.Id && r.Status == JobRunStatus.Running && r.Progress > 0)), "the run is under way");

        var first = await DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id));
        var victim = _workers.Single(w => first.NodeId!.Contains($"-{w.ProcessId}-"));
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        output.WriteLine($"Killed {first.NodeId} (SIGKILL) at {killedAt:HH:mm:ss.fff}, progress {first.Progress:P0}");

        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.AnyAsync(r => r.Id == run.Id && r.NodeId != first.NodeId)), "the run restarts elsewhere");
        var restartedAt = DateTime.UtcNow;
        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.AnyAsync(r => r.Id == run.Id && r.Status != JobRunStatus.Running)), "the recovered run finishes");

        var done = await DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id));
        output.WriteLine($"Recovered on {done.NodeId}: {(restartedAt - killedAt).TotalSeconds:0.0} s after the kill " +
                         $"({done.RecoveredAfterSeconds:0.0} s after the dead node's last heartbeat).");
        done.Status.ShouldBe(JobRunStatus.Succeeded);
        done.NodeId.ShouldNotBe(first.NodeId);
        done.Attempts.ShouldBe(2);
        done.RecoveredAfterSeconds.ShouldNotBeNull();
        var log = await _client.Get<JobService>().LogAsync(run.Id);
        log.ShouldContain(l => l.Message.StartsWith("Restarted on " + done.NodeId));
        // The report is whole and no temporary file is left where readers look.
        var folder = Path.Combine(_dir.Path, "artifacts", "diagnostics");
        File.ReadAllText(Path.Combine(folder, $"{run.Id:N}.txt")).ShouldContain($"node {done.NodeId}");
        Directory.GetFiles(folder, "*" + AtomicFile.TemporarySuffix).ShouldBeEmpty();
    }

    [PostgresFact]
    public async Task ShouldNeverGiveGpuJobToCpuNode_WhenOnlyCpuNodesAreUp()
    {
        await StartWorkersAsync(2);
        var gpuRun = await EnqueueAsync(new DiagnosticPayload(RequiresGpu: true));
        var cpuRuns = new List<Guid>();
        for (var i = 0; i < 20; i++)
            cpuRuns.Add((await EnqueueAsync(new DiagnosticPayload())).Id);
        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.CountAsync(r => cpuRuns.Contains(r.Id) && r.Status == JobRunStatus.Succeeded)).ContinueWith(t => t.Result == 20), "the CPU runs finish");
        // Several more acquisition rounds of both CPU nodes (idle wait 1 s): the GPU run must stay queued.
        await Task.Delay(TimeSpan.FromSeconds(5));
        (await DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == gpuRun.Id))).Status.ShouldBe(JobRunStatus.Queued);

        await using var gpuNode = await SchedulingHost.StartWorkerAsync(DatabaseProvider.Postgres, _connectionString, _dir.Path, "cpu,gpu", new FixedGpuSelfTest(true));
        await WaitUntilAsync(() => DbAsync(db => db.JobRuns.AnyAsync(r => r.Id == gpuRun.Id && r.Status == JobRunStatus.Succeeded)), "the GPU node runs the GPU job");
        (await DbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == gpuRun.Id))).NodeId.ShouldBe(gpuNode.Node.Id);
        (await DbAsync(db => db.WorkerNodes.AsNoTracking().SingleAsync(n => n.Id == gpuNode.Node.Id))).Capabilities.ShouldBe("cpu,gpu");
    }

    [PostgresFact]
    public async Task ShouldExitWithCheckFailed_WhenGpuIsDeclaredAndTheSelfTestFails()
    {
        var expected = new CudaDriverSelfTest().Run();
        var worker = WorkerProcess.Start(_connectionString, _dir.Path, "cpu,gpu");
        _workers.Add(worker);
        if (expected.Passed)
        {
            // A machine with a working GPU: the node starts and declares it.
            (await worker.WaitUntilRunningAsync()).ShouldNotBeNullOrEmpty();
            await worker.StopAsync();
            return;
        }
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(3);
        worker.Output.ShouldContain("GPU self-test failed");
        (await DbAsync(db => db.WorkerNodes.CountAsync())).ShouldBe(0);
    }

    [PostgresFact]
    public async Task ShouldMarkTheNodeStopped_WhenAWorkerIsStoppedCleanly()
    {
        var nodes = await StartWorkersAsync(1);
        await _workers[0].StopAsync();
        var node = await DbAsync(db => db.WorkerNodes.AsNoTracking().SingleAsync(n => n.Id == nodes[0]));
        node.StoppedAt.ShouldNotBeNull();
        (await _client.Get<WorkerNodeQueries>().ListAsync()).Single().State.ShouldBe(WorkerState.Gone);
        // The Jobs page's queries translate on PostgreSQL too: schedules with their last run.
        var schedules = _client.Get<ScheduleService>();
        var retention = (await schedules.ListAsync()).Single(v => v.Schedule.Kind == ApplyRetentionJob.Kind);
        await schedules.RunNowAsync(Actor.Cli(), retention.Schedule.Id);
        (await schedules.ListAsync()).Single(v => v.Schedule.Id == retention.Schedule.Id).LastRun.ShouldNotBeNull();
    }
}

[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection;
