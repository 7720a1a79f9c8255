using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
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

    [Fact]
    public async Task ShouldKeepSchedulesAndHistory_WhenTheSingleNodePortalRestarts()
    {
        Guid retrainingId, retentionId, runId;
        await using (var first = await StartAsync())
        {
            await AddModelAsync(first, "credit-risk");
            var schedules = first.Services.GetRequiredService<ScheduleService>();
            retrainingId = (await first.Services.GetRequiredService<RetrainingSchedules>().SetAsync(Actor.Cli(), "credit-risk", "30 2 * * 1-5", "Europe/Berlin")).Id;
            retentionId = (await schedules.ListAsync()).Single(s => s.Schedule.Kind == ApplyRetentionJob.Kind).Schedule.Id;
            await schedules.PauseAsync(Actor.Cli(), retentionId);
            runId = (await first.Services.GetRequiredService<JobService>().RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload())).Id;
            await first.WaitForRunAsync(r => r.Id == runId && r.Status == JobRunStatus.Succeeded, "the diagnostic run");
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
        var systemKinds = second.Services.GetRequiredService<JobKinds>().All.Where(k => k.System is not null).Select(k => k.Name).ToList();
        systemKinds.ShouldBe([ExpireApprovalRequestsJob.Kind, ApplyRetentionJob.Kind], ignoreOrder: true);
        views.Where(v => v.Schedule.IsSystem).Select(v => v.Schedule.Kind).ShouldBe(systemKinds, ignoreOrder: true);
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
            expiryId = views.Single(s => s.Schedule.Kind == ExpireApprovalRequestsJob.Kind).Schedule.Id;
            retentionId = views.Single(s => s.Schedule.Kind == ApplyRetentionJob.Kind).Schedule.Id;
            await schedules.UpdateAsync(Actor.Cli(), expiryId, "*/2 * * * * ?", "UTC");
            await schedules.UpdateAsync(Actor.Cli(), retentionId, "*/2 * * * * ?", "UTC");
            await first.WaitForRunAsync(r => r.ScheduleId == expiryId && r.Status == JobRunStatus.Succeeded, "an on-time firing");
        }
        await Task.Delay(TimeSpan.FromSeconds(6));

        await using var second = await StartAsync(config);
        var late = await second.WaitForRunAsync(r => r.ScheduleId == expiryId && r.Late, "the late approval-expiry run");
        late.Reason!.ShouldContain("did not run in time");
        var missed = await second.WaitForRunAsync(r => r.ScheduleId == retentionId && r.Status == JobRunStatus.Missed, "the missed retention firing");
        missed.Summary!.ShouldContain("skip to the next firing");
    }

    [Fact]
    public async Task ShouldFailSayingWhatIsMissing_WhenAReportJobNamesNeitherVersionNorPeriod()
    {
        await using var host = await StartAsync();
        var run = await host.Services.GetRequiredService<JobService>()
            .EnqueueAsync(Actor.Cli(), new JobRequest(GenerateReportJob.Kind, new MlopsPortal.Core.Reports.ReportPayload("model-audit")));
        var done = await host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, "the report job");
        done.Status.ShouldBe(JobRunStatus.Failed);
        done.Error!.ShouldContain("needs a model version (model-audit) or a period (period)");
        (await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<MlopsPortal.Core.Data.PortalDbContext>>().CreateDbContext()
            .ComplianceReports.CountAsync()).ShouldBe(0);
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
            .EnqueueAsync(Actor.Cli(), new JobRequest(RunDiagnosticJob.Kind, new FuturePayload()));
        var done = await host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, "the failing run");
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
        await host.WaitForRunAsync(r => r.Id == running.Id && r.Status == JobRunStatus.Running, "the long run starts");

        (await jobs.CancelAsync(Actor.Cli(), queued.Id)).Status.ShouldBe(JobRunStatus.Cancelled);
        await jobs.CancelAsync(Actor.Cli(), running.Id);
        var cancelled = await host.WaitForRunAsync(r => r.Id == running.Id && !r.IsActive, "the running run stops");
        cancelled.Status.ShouldBe(JobRunStatus.Cancelled);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.Exists(new JobKey($"run-{queued.Id:N}", RunDiagnosticJob.Kind))).ShouldBeFalse();
        await Should.ThrowAsync<PortalValidationException>(() => jobs.CancelAsync(Actor.Cli(), queued.Id));
    }

    [Fact]
    public async Task ShouldRejectBadSchedules_WithAClearMessageAndNoChange()
    {
        await using var host = await StartAsync();
        await AddModelAsync(host, "m1");
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        var retraining = host.Services.GetRequiredService<RetrainingSchedules>();
        (await Should.ThrowAsync<PortalValidationException>(() => retraining.SetAsync(Actor.Cli(), "m1", "61 * * * *", "UTC"))).Message.ShouldContain("not a valid cron expression");
        (await Should.ThrowAsync<PortalValidationException>(() => retraining.SetAsync(Actor.Cli(), "m1", "0 2 * * *", "Mars/Olympus"))).Message.ShouldContain("Unknown time zone");
        await Should.ThrowAsync<PortalNotFoundException>(() => retraining.SetAsync(Actor.Cli(), "nope", "0 2 * * *", "UTC"));
        (await schedules.ListAsync()).ShouldAllBe(v => v.Schedule.IsSystem);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        (await db.AuditEvents.CountAsync(e => e.Action.StartsWith("schedule.") && e.Actor == "cli:" + Environment.UserName)).ShouldBe(0);
    }

    private static async Task<PortalDbContext> DbAsync(PortalTestHost host) =>
        await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task ShouldStopWithoutWritingAnOutcome_WhenAnotherNodeTookTheRunOver()
    {
        await using var host = await StartAsync();
        var run = await host.Services.GetRequiredService<JobService>().RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload(DurationSeconds: 4, Steps: 4));
        await host.WaitForRunAsync(r => r.Id == run.Id && r.Status == JobRunStatus.Running && r.Progress > 0, "the run is under way");
        // What a node sees after the cluster took it for dead: another node claimed attempt 2.
        await using (var db = await DbAsync(host))
            await db.JobRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.NodeId, "other-node").SetProperty(r => r.Attempts, r => r.Attempts + 1));
        await Task.Delay(TimeSpan.FromSeconds(7));

        await using var check = await DbAsync(host);
        var stored = await check.JobRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id);
        stored.Status.ShouldBe(JobRunStatus.Running);
        stored.NodeId.ShouldBe("other-node");
        (await check.AuditEvents.CountAsync(e => e.EntityId == run.Id.ToString() && e.Action != "job.requested")).ShouldBe(0);
        File.Exists(Path.Combine(_dir.Path, "artifacts", "diagnostics", $"{run.Id:N}.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldFailAbandonedRuns_WhenTheirNodeIsLongGone()
    {
        await using var host = await StartAsync();
        var id = Guid.NewGuid();
        var longAgo = DateTime.UtcNow.AddHours(-1);
        await using (var db = await DbAsync(host))
        {
            db.WorkerNodes.Add(new WorkerNode { Id = "dead-node", Host = "h", Mode = "worker", Version = "1", StartedAt = longAgo, LastCheckInAt = longAgo });
            db.JobRuns.Add(new JobRun { Id = id, Kind = RunDiagnosticJob.Kind, Status = JobRunStatus.Running, JobKey = "diagnostic.run-x", TriggeredBy = "cli:test",
                QueuedAt = longAgo, StartedAt = longAgo, LastHeartbeatAt = longAgo, NodeId = "dead-node", Attempts = 1 });
            db.Audit("cli:test", "job.requested", "job-run", id.ToString());
            await db.SaveChangesAsync();
        }
        (await host.Services.GetRequiredService<JobService>().FailAbandonedRunsAsync(TimeSpan.FromMinutes(2))).ShouldBe(1);
        var run = await host.Services.GetRequiredService<JobService>().GetAsync(id);
        run.Status.ShouldBe(JobRunStatus.Failed);
        run.Error!.ShouldContain("Abandoned");
        (await host.Services.GetRequiredService<JobService>().FailAbandonedRunsAsync(TimeSpan.FromMinutes(2))).ShouldBe(0);
    }

    [Fact]
    public async Task ShouldExpireOnlyOpenRequestsPastTheirExpiry_WhenTheExpiryScheduleRuns()
    {
        await using var host = await StartAsync();
        await using (var db = await DbAsync(host))
        {
            foreach (var (rid, status, expires) in new[] { ("old-open", ApprovalStatus.Open, -1), ("old-approved", ApprovalStatus.Approved, -1), ("new-open", ApprovalStatus.Open, 1) })
            {
                db.ApprovalRequests.Add(new ApprovalRequest { Id = rid, Kind = ApprovalKinds.RoleGrant, SubjectType = "user", SubjectId = "u", Summary = "s",
                    RequestedBy = "cli:test", RequestedAt = DateTime.UtcNow.AddDays(-15), ExpiresAt = DateTime.UtcNow.AddDays(expires), Status = status });
                db.Audit("cli:test", "role-grant.requested", "approval-request", rid);
            }
            await db.SaveChangesAsync();
        }
        var schedules = host.Services.GetRequiredService<ScheduleService>();
        var expiry = (await schedules.ListAsync()).Single(v => v.Schedule.Kind == ExpireApprovalRequestsJob.Kind).Schedule.Id;
        var run = await schedules.RunNowAsync(Actor.Cli(), expiry);
        (await host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, "the expiry run")).Status.ShouldBe(JobRunStatus.Succeeded);

        await using var check = await DbAsync(host);
        var states = await check.ApprovalRequests.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Status);
        states["old-open"].ShouldBe(ApprovalStatus.Expired);
        states["old-approved"].ShouldBe(ApprovalStatus.Approved);
        states["new-open"].ShouldBe(ApprovalStatus.Open);
        (await check.AuditEvents.CountAsync(e => e.Action == "approval.expired")).ShouldBe(1);
    }
}
