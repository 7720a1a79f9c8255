using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;
using Quartz;
using JobRunStatus = MlopsPortal.Core.Scheduling.JobRunStatus;

namespace MlopsPortal.Web.Tests.Scheduling;

/// <summary>Laptop mode: the one portal process on SQLite schedules and runs every job.</summary>
public sealed class SingleNodeTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private Task<PortalTestHost> StartAsync(Dictionary<string, string?>? overrides = null) =>
        PortalTestHost.StartAsync(dataDirectory: _dir.Path, overrides: overrides);

    internal static async Task AddModelAsync(PortalTestHost host, string slug)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var model = new Model { Id = Guid.NewGuid(), Slug = slug, DisplayName = slug, CreatedBy = "cli:test", CreatedAt = DateTime.UtcNow };
        db.Models.Add(model);
        db.Audit("cli:test", "model.created", "model", model.Id.ToString());
        await db.SaveChangesAsync();
    }

    internal static async Task<JobRun> WaitForRunAsync(PortalTestHost host, Func<JobRun, bool> condition, string what)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var (runs, _) = await host.Services.GetRequiredService<JobService>().QueryAsync(new JobRunQuery(Take: 500));
            if (runs.FirstOrDefault(condition) is { } run) return run;
            if (limit.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException("Gave up waiting for: " + what);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ShouldKeepSchedulesAndHistory_WhenTheSingleNodePortalRestarts()
    {
        Guid retrainingId, retentionId, runId;
        await using (var first = await StartAsync())
        {
            await AddModelAsync(first, "credit-risk");
            var schedules = first.Services.GetRequiredService<ScheduleService>();
            retrainingId = (await schedules.SetRetrainingAsync(Actor.Cli(), "credit-risk", "30 2 * * 1-5", "Europe/Berlin")).Id;
            retentionId = (await schedules.ListAsync()).Single(s => s.Schedule.Kind == JobKinds.Retention).Schedule.Id;
            await schedules.PauseAsync(Actor.Cli(), retentionId);
            runId = (await first.Services.GetRequiredService<JobService>().RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload())).Id;
            await WaitForRunAsync(first, r => r.Id == runId && r.Status == JobRunStatus.Succeeded, "the diagnostic run");
        }

        await using var second = await StartAsync();
        var views = await second.Services.GetRequiredService<ScheduleService>().ListAsync();
        var retraining = views.Single(v => v.Schedule.Id == retrainingId);
        retraining.Schedule.CronExpression.ShouldBe("0 30 2 ? * 2-6");
        retraining.Schedule.TimeZoneId.ShouldBe("Europe/Berlin");
        retraining.NextFireTime.ShouldNotBeNull();
        TimeZoneInfo.ConvertTime(retraining.NextFireTime.Value, CronSchedule.FindTimeZone("Europe/Berlin")).TimeOfDay.ShouldBe(new TimeSpan(2, 30, 0));
        var retention = views.Single(v => v.Schedule.Id == retentionId);
        retention.Schedule.Paused.ShouldBeTrue();
        retention.NextFireTime.ShouldBeNull();
        var scheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetTriggerState(new TriggerKey($"schedule-{retentionId:N}", FireScheduleJob.Group))).ShouldBe(TriggerState.Paused);
        views.Count(v => v.Schedule.IsSystem).ShouldBe(ScheduleService.SystemSchedules.Count);
        (await second.Services.GetRequiredService<JobService>().GetAsync(runId)).Status.ShouldBe(JobRunStatus.Succeeded);
    }

    [Fact]
    public async Task ShouldShowLateAndMissedFirings_WhenThePortalWasDownAtFireTime()
    {
        var config = new Dictionary<string, string?> { ["Scheduling:MisfireThreshold"] = "00:00:01" };
        Guid expiryId, retentionId;
        await using (var first = await StartAsync(config))
        {
            var schedules = first.Services.GetRequiredService<ScheduleService>();
            var views = await schedules.ListAsync();
            expiryId = views.Single(s => s.Schedule.Kind == JobKinds.ApprovalExpiry).Schedule.Id;
            retentionId = views.Single(s => s.Schedule.Kind == JobKinds.Retention).Schedule.Id;
            await schedules.UpdateAsync(Actor.Cli(), expiryId, "*/2 * * * * ?", "UTC");
            await schedules.UpdateAsync(Actor.Cli(), retentionId, "*/2 * * * * ?", "UTC");
            await WaitForRunAsync(first, r => r.ScheduleId == expiryId && r.Status == JobRunStatus.Succeeded, "an on-time firing");
        }
        await Task.Delay(TimeSpan.FromSeconds(6));

        await using var second = await StartAsync(config);
        var late = await WaitForRunAsync(second, r => r.ScheduleId == expiryId && r.Late, "the late approval-expiry run");
        late.Reason!.ShouldContain("missed while no node was up");
        var missed = await WaitForRunAsync(second, r => r.ScheduleId == retentionId && r.Status == JobRunStatus.Missed, "the missed retention firing");
        missed.Summary!.ShouldContain("skip to the next firing");
    }

    [Fact]
    public async Task ShouldRecordNotAvailable_WhenAKindHasNoImplementationYet()
    {
        await using var host = await StartAsync();
        var run = await host.Services.GetRequiredService<JobService>()
            .EnqueueAsync(Actor.Cli(), new JobRequest(JobKinds.Training, new RetrainingPayload("m")));
        var done = await WaitForRunAsync(host, r => r.Id == run.Id && !r.IsActive, "the training placeholder");
        done.Status.ShouldBe(JobRunStatus.NotAvailable);
        done.Summary!.ShouldContain("issue 5");
    }

    private sealed record FuturePayload : JobPayload
    {
        public override int Version => 99;
    }

    [Fact]
    public async Task ShouldRecordTheFailure_WhenAJobThrows()
    {
        await using var host = await StartAsync();
        var run = await host.Services.GetRequiredService<JobService>()
            .EnqueueAsync(Actor.Cli(), new JobRequest(JobKinds.Diagnostic, new FuturePayload()));
        var done = await WaitForRunAsync(host, r => r.Id == run.Id && !r.IsActive, "the failing run");
        done.Status.ShouldBe(JobRunStatus.Failed);
        done.Error!.ShouldContain("version 99");
        (await host.Services.GetRequiredService<JobService>().LogAsync(run.Id)).ShouldContain(l => l.Level == "error");
    }

    [Fact]
    public async Task ShouldCancelQueuedAndRunningRuns_WhenAnOperatorAsks()
    {
        await using var host = await StartAsync();
        var jobs = host.Services.GetRequiredService<JobService>();
        // A GPU run on a CPU-only portal waits in the queue.
        var queued = await jobs.RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload(RequiresGpu: true));
        var running = await jobs.RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload(DurationSeconds: 60, Steps: 60));
        await WaitForRunAsync(host, r => r.Id == running.Id && r.Status == JobRunStatus.Running, "the long run starts");

        (await jobs.CancelAsync(Actor.Cli(), queued.Id)).Status.ShouldBe(JobRunStatus.Cancelled);
        await jobs.CancelAsync(Actor.Cli(), running.Id);
        var cancelled = await WaitForRunAsync(host, r => r.Id == running.Id && !r.IsActive, "the running run stops");
        cancelled.Status.ShouldBe(JobRunStatus.Cancelled);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.Exists(new JobKey($"run-{queued.Id:N}", JobKinds.Diagnostic))).ShouldBeFalse();
        await Should.ThrowAsync<PortalValidationException>(() => jobs.CancelAsync(Actor.Cli(), queued.Id));
    }

    [Fact]
    public async Task ShouldRejectBadSchedules_WithAClearMessageAndNoChange()
    {
        await using var host = await StartAsync();
        await AddModelAsync(host, "m1");
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        (await Should.ThrowAsync<PortalValidationException>(() => schedules.SetRetrainingAsync(Actor.Cli(), "m1", "61 * * * *", "UTC"))).Message.ShouldContain("not a valid cron expression");
        (await Should.ThrowAsync<PortalValidationException>(() => schedules.SetRetrainingAsync(Actor.Cli(), "m1", "0 2 * * *", "Mars/Olympus"))).Message.ShouldContain("Unknown time zone");
        await Should.ThrowAsync<PortalNotFoundException>(() => schedules.SetRetrainingAsync(Actor.Cli(), "nope", "0 2 * * *", "UTC"));
        (await schedules.ListAsync()).ShouldAllBe(v => v.Schedule.IsSystem);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        (await db.AuditEvents.CountAsync(e => e.Action.StartsWith("schedule.") && e.Actor == "cli:" + Environment.UserName)).ShouldBe(0);
    }
}
