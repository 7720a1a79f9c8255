using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// Records firings that a "skip" misfire policy dropped (no node ran them in time): one history row
/// per missed stretch, with the number of firings, so that history shows them rather than a silent gap.
/// </summary>
public sealed class MissedFiringListener(IServiceProvider services, ILogger<MissedFiringListener> logger) : ITriggerListener
{
    public string Name => "missed-firings";

    public async ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken ct = default)
    {
        try
        {
            if (trigger.Key.Group != Jobs.FireScheduleJob.Group
                || trigger is not ICronTrigger { MisfireInstruction: CronTriggerMisfireInstruction.DoNothing }
                || !Guid.TryParse(trigger.JobDataMap.GetString(Jobs.FireScheduleJob.ScheduleIdKey)
                                  ?? trigger.Key.Name.Replace("schedule-", ""), out var scheduleId))
                return;
            await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
            var schedule = await db.JobSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == scheduleId, ct);
            if (schedule is null) return;
            var next = trigger.NextFireTimeUtc?.UtcDateTime ?? DateTime.UtcNow;
            var due = new DateTime(next.Ticks - next.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            if (await db.JobRuns.AnyAsync(r => r.ScheduleId == scheduleId && r.DueAt == due, ct)) return;
            // One history row per missed stretch, with how many firings it covered.
            var missed = Math.Max(1, Jobs.FireScheduleJob.MissedFirings(schedule, due.AddTicks(-1), DateTime.UtcNow));
            var id = Guid.NewGuid();
            var now = DateTime.UtcNow;
            db.JobRuns.Add(new JobRun
            {
                Id = id, Kind = schedule.Kind, Status = JobRunStatus.Missed, JobKey = trigger.JobKey.ToString(),
                ScheduleId = scheduleId, DueAt = due, Late = true, QueuedAt = now, FinishedAt = now,
                TriggeredBy = $"schedule:{schedule.Name} (by {schedule.CreatedBy})", Payload = schedule.Payload,
                Summary = $"Missed {missed} firing(s) from {due:yyyy-MM-dd HH:mm} UTC: no node ran them in time. Misfire policy: skip to the next firing.",
            });
            db.Audit(Security.Actor.Job(trigger.JobKey.ToString()).AuditName, "job.missed", "job-run", id.ToString(),
                new { schedule = schedule.Name, due = AuditTrail.AuditChain.FormatTime(due), missed });
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not record the missed firing of {TriggerKey}.", trigger.Key);
        }
    }

}
