using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Security;
using Quartz;

namespace MlopsPortal.Core.Scheduling.Jobs;

/// <summary>
/// A schedule's cron trigger fires this: it queues one run of the schedule's kind, so that scheduled
/// and requested runs share one path (history, recovery, cancel). Idempotent per due time: a
/// recovered firing does not queue a second run.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class FireScheduleJob(IDbContextFactory<Data.PortalDbContext> dbFactory, JobService jobs, JobKinds kinds,
    Microsoft.Extensions.Options.IOptions<SchedulingOptions> options, ILogger<FireScheduleJob> logger) : IJob
{
    public const string Group = "schedules";
    public const string ScheduleIdKey = "scheduleId";

    public static JobKey KeyFor(Guid scheduleId) => new($"schedule-{scheduleId:N}", Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            if (!Guid.TryParse(context.MergedJobDataMap.GetString(ScheduleIdKey), out var scheduleId))
                throw new InvalidOperationException($"{context.JobDetail.Key} has no schedule id.");
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var schedule = await db.JobSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == scheduleId, ct);
            if (schedule is null)
            {
                logger.LogWarning("Schedule {ScheduleId} no longer exists; deleting its Quartz job.", scheduleId);
                await context.Scheduler.DeleteJob(context.JobDetail.Key, ct);
                return;
            }
            // Milliseconds: PostgreSQL keeps microseconds, so a finer time would not compare equal on recovery.
            var scheduled = (context.ScheduledFireTimeUtc ?? context.FireTimeUtc).UtcDateTime;
            var due = new DateTime(scheduled.Ticks - scheduled.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            if (await db.JobRuns.AnyAsync(r => r.ScheduleId == scheduleId && r.DueAt == due, ct))
                return;
            // After a misfire, "run once now" moves the due time to now; the firings that were missed
            // are the cron's times since the previous run that never got one.
            // Counted from the later of the previous run and the last edit, pause or resume of the schedule.
            var lastRunDue = await db.JobRuns.Where(r => r.ScheduleId == scheduleId && r.DueAt != null).MaxAsync(r => r.DueAt, ct);
            var previousDue = lastRunDue is { } d && d > schedule.UpdatedAt ? d : schedule.UpdatedAt;
            var missed = MissedFirings(schedule, previousDue, due - options.Value.MisfireThreshold);
            var late = missed > 0 || context.FireTimeUtc.UtcDateTime - due > options.Value.MisfireThreshold;
            var kind = kinds.Get(schedule.Kind);
            var payload = new SchedulePayload(schedule.Payload, schedule.PayloadVersion);
            await jobs.EnqueueAsync(Actor.Job(context.JobDetail.Key.ToString()), new JobRequest(kind.Name, payload,
                late ? $"{missed} firing(s) since {previousDue:yyyy-MM-dd HH:mm:ss} UTC did not run in time (no node was up or free); ran once now (misfire policy: run once now)."
                     : $"Scheduled by \"{schedule.Name}\".")
            {
                ScheduleId = scheduleId, DueAt = due, Late = late,
                TriggeredBy = $"schedule:{schedule.Name} (by {schedule.CreatedBy})",
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A schedule that cannot queue its run must be seen: log and let Quartz record the failure.
            logger.LogError(e, "Schedule firing {JobKey} failed.", context.JobDetail.Key);
            throw new JobExecutionException(e);
        }
    }
}

/// <summary>The schedule's own stored payload, passed through unchanged.</summary>
public sealed partial class FireScheduleJob
{
    /// <summary>Cron times strictly after <paramref name="after"/> and before <paramref name="before"/> (capped at 1000).</summary>
    internal static int MissedFirings(JobSchedule schedule, DateTime after, DateTime before)
    {
        var cron = new CronExpression(schedule.CronExpression, CronSchedule.FindTimeZone(schedule.TimeZoneId));
        var count = 0;
        for (var t = cron.GetNextValidTimeAfter(new DateTimeOffset(after, TimeSpan.Zero));
             t is { } next && next.UtcDateTime < before && count < 1000;
             t = cron.GetNextValidTimeAfter(next))
            count++;
        return count;
    }
}

public sealed record SchedulePayload(string Json, int StoredVersion) : JobPayload
{
    public override int Version => StoredVersion;
    public override string ToJson() => Json;
}
