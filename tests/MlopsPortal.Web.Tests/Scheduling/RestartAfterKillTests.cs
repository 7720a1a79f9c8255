using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;
using JobRunStatus = MlopsPortal.Core.Scheduling.JobRunStatus;

namespace MlopsPortal.Web.Tests.Scheduling;

/// <summary>
/// A single-node portal (SQLite) started again after SIGKILL: what the kill left (a crash image of the database taken
/// while a job ran, files half-written in the artifact store) is cleaned up at start, not minutes later or never.
/// </summary>
public sealed class RestartAfterKillTests : IDisposable
{
    private readonly TempDirectory _live = new();
    private readonly TempDirectory _crashed = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _live.Dispose();
        _crashed.Dispose();
    }

    /// <summary>The database as a kill leaves it: everything committed so far, nothing else (SQLite's online backup).</summary>
    private static void CrashImage(string fromDirectory, string toDirectory)
    {
        using var source = new SqliteConnection($"Data Source={Path.Combine(fromDirectory, "portal.db")};Pooling=False");
        using var target = new SqliteConnection($"Data Source={Path.Combine(toDirectory, "portal.db")};Pooling=False");
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }

    [Fact]
    public async Task ShouldRestartRecoverableRunsAndFailOthersAtOnce_WhenThePortalStartsAfterAKill()
    {
        Guid recoverable;
        string deadNode;
        await using (var first = await PortalTestHost.StartAsync(dataDirectory: _live.Path))
        {
            var jobs = first.Services.GetRequiredService<JobService>();
            recoverable = (await jobs.RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload(DurationSeconds: 4, Steps: 4))).Id;
            await first.WaitForRunAsync(r => r.Id == recoverable && r.Status == JobRunStatus.Running && r.Progress > 0, "the run is under way");
            CrashImage(_live.Path, _crashed.Path);
            deadNode = first.Services.GetRequiredService<SchedulerNode>().Id;
        }
        // Written by a newer portal before the kill: a kind this version cannot run.
        var unknown = Guid.NewGuid();
        await using (var db = PortalDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_crashed.Path, "portal.db")}"))
        {
            var before = DateTime.UtcNow.AddSeconds(-3);
            db.JobRuns.Add(new JobRun { Id = unknown, Kind = "future-kind", Status = JobRunStatus.Running, JobKey = "future-kind.run-x", TriggeredBy = "cli:test",
                QueuedAt = before, StartedAt = before, LastHeartbeatAt = before, NodeId = deadNode, Attempts = 1 });
            db.Audit("cli:test", "job.requested", "job-run", unknown.ToString());
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();

        var clock = Stopwatch.StartNew();
        await using var second = await PortalTestHost.StartAsync(dataDirectory: _crashed.Path);
        var service = second.Services.GetRequiredService<JobService>();
        var failed = await service.GetAsync(unknown);
        failed.Status.ShouldBe(JobRunStatus.Failed);
        failed.Error!.ShouldContain("future-kind");
        failed.Error!.ShouldContain("stopped");

        var restarted = await second.WaitForRunAsync(r => r.Id == recoverable && !r.IsActive, "the restarted run finishes");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        restarted.Status.ShouldBe(JobRunStatus.Succeeded, restarted.Error);
        restarted.Attempts.ShouldBe(2);
        restarted.NodeId.ShouldBe(second.Services.GetRequiredService<SchedulerNode>().Id);
    }

    [Fact]
    public async Task ShouldSweepPartialFilesScratchFilesAndUnreferencedBlobs_WhenThePortalStartsAgain()
    {
        await using (var first = await PortalTestHost.StartAsync(dataDirectory: _live.Path))
        {
            await first.CreateUserAsync("engineer@x.test", Roles.MlEngineer);
            await using var scope = first.Services.CreateAsyncScope();
            var engineer = new Actor(null, "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false);
            await scope.ServiceProvider.GetRequiredService<DatasetService>().AddAsync(engineer, new MemoryStream("a,b\n1,2\n"u8.ToArray()), "kept");
        }
        var artifacts = Path.Combine(_live.Path, "artifacts");
        var kept = Directory.GetFiles(Path.Combine(artifacts, "sha256"), "*", SearchOption.AllDirectories).Single();
        var orphanHash = new string('a', 64);
        var leftovers = new[]
        {
            Path.Combine(artifacts, "sha256", "incoming", "0123456789abcdef.partial"),
            Path.Combine(artifacts, "tmp", "scores-0123-1-node.csv"),
            Path.Combine(artifacts, "sha256", "aa", orphanHash),
        };
        foreach (var file in leftovers)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, "left by a kill");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-2));
        }
        File.SetLastWriteTimeUtc(kept, DateTime.UtcNow.AddDays(-2));

        await using var second = await PortalTestHost.StartAsync(dataDirectory: _live.Path);
        var clock = Stopwatch.StartNew();
        while (leftovers.Any(File.Exists) && clock.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(100);
        leftovers.Where(File.Exists).ShouldBeEmpty();
        File.Exists(kept).ShouldBeTrue();
        await using var check = second.Services.CreateAsyncScope();
        var swept = await check.ServiceProvider.GetRequiredService<PortalDbContext>().AuditEvents.SingleAsync(e => e.Action == "artifacts.swept");
        swept.Payload.ShouldContain(orphanHash);
    }

    [Fact]
    public async Task ShouldSweepLeftovers_WhenTheDailyRetentionJobRuns()
    {
        await using var host = await PortalTestHost.StartAsync(dataDirectory: _live.Path);
        var partial = Path.Combine(_live.Path, "artifacts", "sha256", "incoming", "dead.partial");
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllTextAsync(partial, "half an upload");
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddHours(-1));

        var schedules = host.Services.GetRequiredService<ScheduleService>();
        var retention = (await schedules.ListAsync()).Single(v => v.Schedule.Kind == ApplyRetentionJob.Kind).Schedule.Id;
        var run = await schedules.RunNowAsync(Actor.Cli(), retention);
        var done = await host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, "the retention run");
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.Summary!.ShouldContain("1 leftover file");
        File.Exists(partial).ShouldBeFalse();
    }
}
