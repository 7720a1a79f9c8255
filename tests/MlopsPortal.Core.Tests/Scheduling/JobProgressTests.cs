using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Scheduling;

/// <summary>A run's progress writer: what it cannot write is kept and retried, and never stops the heartbeat.</summary>
public sealed class JobProgressTests : IAsyncLifetime
{
    private PortalServices _portal = default!;

    public async Task InitializeAsync() => _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ShouldDropTheRowButWriteTheLogAndBeat_WhenAReportedRowCannotBeWritten()
    {
        var factory = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var node = new SchedulerNode("portal", ["cpu"], null);
        var services = new JobServices(factory, Options.Create(new SchedulingOptions()), node, new PortalPaths(_portal.DataDirectory), NullLogger<PortalJob>.Instance);
        var runId = Guid.NewGuid();
        var started = DateTime.UtcNow.AddMinutes(-5);
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.JobRuns.Add(new JobRun
            {
                Id = runId, Kind = RunDiagnosticJob.Kind, Status = JobRunStatus.Running, JobKey = "diagnostic.run-x", TriggeredBy = "cli:test",
                QueuedAt = started, StartedAt = started, LastHeartbeatAt = started, NodeId = node.Id, Attempts = 1,
            });
            db.Audit("cli:test", "job.requested", "job-run", runId.ToString());
            await db.SaveChangesAsync();
        }
        var progress = new JobProgress(runId, services, new CancellationTokenSource());
        progress.Log("a line");
        progress.Record(new object()); // not an entity: every write of it fails
        progress.Report(0.5, "half way");

        await progress.FlushAsync(CancellationToken.None);
        progress.Log("another line");
        await progress.FlushAsync(CancellationToken.None); // the bad row is not tried again

        await using (var db = await factory.CreateDbContextAsync())
        {
            var run = await db.JobRuns.SingleAsync(r => r.Id == runId);
            run.ProgressText.ShouldBe("half way");
            run.LastHeartbeatAt!.Value.ShouldBeGreaterThan(started);
            (await db.JobLogLines.Where(l => l.JobRunId == runId).Select(l => l.Message).ToListAsync()).ShouldBe(["a line", "another line"]);
        }
    }
}
