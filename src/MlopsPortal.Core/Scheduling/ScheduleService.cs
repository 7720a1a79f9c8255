using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>A schedule as the Jobs page shows it: the row, Quartz's next fire time and the last run.</summary>
public sealed record ScheduleView(JobSchedule Schedule, DateTimeOffset? NextFireTime, JobRun? LastRun, string Description);

/// <summary>
/// Recurring jobs. The JobSchedules row is the governed record (audited); its Quartz cron trigger is
/// derived from it and re-synced at every node's start, so the two cannot drift apart for long.
/// </summary>
public sealed class ScheduleService(
    IDbContextFactory<PortalDbContext> dbFactory, ISchedulerFactory schedulers, JobService jobs, JobKinds kinds, ILogger<ScheduleService> logger)
{
    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedules = await db.JobSchedules.AsNoTracking().OrderBy(s => s.IsSystem).ThenBy(s => s.Name).ToListAsync(ct);
        var ids = schedules.Select(s => (Guid?)s.Id).ToList();
        var lastRuns = (await db.JobRuns.AsNoTracking().Where(r => ids.Contains(r.ScheduleId))
                .GroupBy(r => r.ScheduleId).Select(g => g.OrderByDescending(r => r.QueuedAt).First()).ToListAsync(ct))
            .ToDictionary(r => r.ScheduleId!.Value);
        var scheduler = await schedulers.GetScheduler(ct);
        var views = new List<ScheduleView>();
        foreach (var s in schedules)
        {
            var trigger = await scheduler.GetTrigger(TriggerKeyFor(s.Id), ct);
            var description = CronSchedule.Describe(s.CronExpression, CronSchedule.FindTimeZone(s.TimeZoneId));
            views.Add(new ScheduleView(s, s.Paused ? null : trigger?.NextFireTimeUtc, lastRuns.GetValueOrDefault(s.Id), description));
        }
        return views;
    }

    public async Task<JobSchedule> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
               ?? throw new PortalNotFoundException($"No schedule {id}.");
    }

    /// <summary>
    /// Creates or replaces the one schedule of a kind for a subject (a model's retraining, say) with the given cron
    /// expression, audited as "schedule.created" or "schedule.updated" with <paramref name="model"/> named.
    /// </summary>
    public async Task<JobSchedule> SetForSubjectAsync(Actor actor, SubjectSchedule subject, string cron, string timeZoneId, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        var preview = CronSchedule.Preview(cron, timeZoneId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.JobSchedules.SingleOrDefaultAsync(s => s.SubjectType == subject.SubjectType && s.SubjectId == subject.SubjectId && s.Kind == subject.Kind, ct);
        var now = DateTime.UtcNow;
        var created = schedule is null;
        schedule ??= db.JobSchedules.Add(new JobSchedule
        {
            Id = Guid.NewGuid(), Name = subject.Name, Kind = subject.Kind,
            SubjectType = subject.SubjectType, SubjectId = subject.SubjectId,
            Payload = subject.Payload.ToJson(),
            CreatedBy = actor.AuditName, CreatedByUserId = actor.UserId, CreatedAt = now,
        }).Entity;
        var before = new { schedule.CronExpression, schedule.TimeZoneId };
        schedule.CronExpression = preview.Expression;
        schedule.TimeZoneId = preview.TimeZoneId;
        schedule.UpdatedBy = actor.AuditName;
        schedule.UpdatedAt = now;
        db.Audit(actor.AuditName, created ? "schedule.created" : "schedule.updated", "schedule", schedule.Id.ToString(), new
        {
            model = subject.Model, cron = preview.Expression, timeZone = preview.TimeZoneId,
            previousCron = created ? null : before.CronExpression, previousTimeZone = created ? null : before.TimeZoneId,
        });
        await db.SaveChangesAsync(ct);
        await SyncAsync(schedule, ct);
        return schedule;
    }

    /// <summary>
    /// In the caller's transaction: the schedule of a kind for a subject exists (created with the given cron in UTC and
    /// its audit event), or nothing happens. Features keep their per-model schedules with it (drift, live performance).
    /// </summary>
    public static async Task EnsureForSubjectAsync(PortalDbContext db, string auditActor, SubjectSchedule subject, string cron, string reason, CancellationToken ct)
    {
        if (await db.JobSchedules.AnyAsync(s => s.SubjectType == subject.SubjectType && s.SubjectId == subject.SubjectId && s.Kind == subject.Kind, ct))
            return;
        var now = DateTime.UtcNow;
        var schedule = db.JobSchedules.Add(new JobSchedule
        {
            Id = Guid.NewGuid(), Name = subject.Name, Kind = subject.Kind, SubjectType = subject.SubjectType, SubjectId = subject.SubjectId,
            Payload = subject.Payload.ToJson(), CronExpression = cron, TimeZoneId = "UTC",
            CreatedBy = auditActor, CreatedAt = now, UpdatedBy = auditActor, UpdatedAt = now,
        }).Entity;
        db.Audit(auditActor, "schedule.created", "schedule", schedule.Id.ToString(), new
        {
            model = subject.Model, kind = subject.Kind, cron, timeZone = "UTC", reason,
        });
    }

    /// <summary>Changes the cron expression or time zone of any schedule (housekeeping included).</summary>
    public async Task<JobSchedule> UpdateAsync(Actor actor, Guid id, string cron, string timeZoneId, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        var preview = CronSchedule.Preview(cron, timeZoneId);
        return await ChangeAsync(actor, id, "schedule.updated", s =>
        {
            var payload = new { cron = preview.Expression, timeZone = preview.TimeZoneId, previousCron = s.CronExpression, previousTimeZone = s.TimeZoneId };
            s.CronExpression = preview.Expression;
            s.TimeZoneId = preview.TimeZoneId;
            return payload;
        }, ct);
    }

    public Task<JobSchedule> PauseAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        return ChangeAsync(actor, id, "schedule.paused", s =>
        {
            if (s.Paused) throw new PortalValidationException($"\"{s.Name}\" is already paused.");
            s.Paused = true;
            return null;
        }, ct);
    }

    public Task<JobSchedule> ResumeAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        return ChangeAsync(actor, id, "schedule.resumed", s =>
        {
            if (!s.Paused) throw new PortalValidationException($"\"{s.Name}\" is not paused.");
            s.Paused = false;
            return null;
        }, ct);
    }

    /// <summary>Queues one run of the schedule's kind now, as the actor (who counts as having triggered it).</summary>
    public async Task<JobRun> RunNowAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        var schedule = await GetAsync(id, ct);
        return await jobs.EnqueueAsync(actor, new JobRequest(schedule.Kind, new SchedulePayload(schedule.Payload, schedule.PayloadVersion),
            $"Run now from \"{schedule.Name}\".") { ScheduleId = schedule.Id }, ct);
    }

    public async Task DeleteAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.JobSchedules.SingleOrDefaultAsync(s => s.Id == id, ct)
                       ?? throw new PortalNotFoundException($"No schedule {id}.");
        if (schedule.IsSystem)
            throw new PortalValidationException($"\"{schedule.Name}\" is a housekeeping schedule: pause it instead.");
        db.JobSchedules.Remove(schedule);
        db.Audit(actor.AuditName, "schedule.deleted", "schedule", id.ToString(), new { schedule.Name, cron = schedule.CronExpression });
        await db.SaveChangesAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(FireScheduleJob.KeyFor(id), ct);
    }

    private async Task<JobSchedule> ChangeAsync(Actor actor, Guid id, string action, Func<JobSchedule, object?> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.JobSchedules.SingleOrDefaultAsync(s => s.Id == id, ct)
                       ?? throw new PortalNotFoundException($"No schedule {id}.");
        var payload = change(schedule) ?? new { schedule.Name };
        schedule.UpdatedBy = actor.AuditName;
        schedule.UpdatedAt = DateTime.UtcNow;
        db.Audit(actor.AuditName, action, "schedule", id.ToString(), payload);
        await db.SaveChangesAsync(ct);
        await SyncAsync(schedule, ct);
        return schedule;
    }

    private static TriggerKey TriggerKeyFor(Guid scheduleId) => new($"schedule-{scheduleId:N}", FireScheduleJob.Group);

    /// <summary>Makes Quartz's trigger match the row: expression, time zone, misfire policy, paused.</summary>
    public async Task SyncAsync(JobSchedule schedule, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var kind = kinds.Get(schedule.Kind);
        var zone = CronSchedule.FindTimeZone(schedule.TimeZoneId);
        var job = JobBuilder.Create<FireScheduleJob>()
            .WithIdentity(FireScheduleJob.KeyFor(schedule.Id))
            .WithDescription(schedule.Name)
            .UsingJobData(FireScheduleJob.ScheduleIdKey, schedule.Id.ToString())
            .StoreDurably()
            .RequestRecovery()
            .Build();
        var existing = await scheduler.GetTrigger(TriggerKeyFor(schedule.Id), ct) as ICronTrigger;
        var upToDate = existing is not null && existing.CronExpressionString == schedule.CronExpression && existing.TimeZone.Id == zone.Id;
        if (!upToDate)
        {
            var trigger = TriggerBuilder.Create()
                .WithIdentity(TriggerKeyFor(schedule.Id))
                .ForJob(job)
                .WithCronSchedule(schedule.CronExpression, c =>
                {
                    c.InTimeZone(zone);
                    c.WithMisfireInstruction(kind.Misfire == MisfirePolicy.Skip
                        ? CronTriggerMisfireInstruction.DoNothing
                        : CronTriggerMisfireInstruction.FireAndProceed);
                })
                .Build();
            await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
        }
        var state = await scheduler.GetTriggerState(TriggerKeyFor(schedule.Id), ct);
        if (schedule.Paused && state != TriggerState.Paused)
            await scheduler.PauseJob(job.Key, ct);
        else if (!schedule.Paused && state == TriggerState.Paused)
            await scheduler.ResumeJob(job.Key, ct);
    }

    /// <summary>At each node's start: the housekeeping schedules exist, and every schedule's trigger matches its row.</summary>
    public async Task EnsureSchedulesAsync(CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var existing = await db.JobSchedules.Where(s => s.IsSystem).Select(s => s.Kind).ToListAsync(ct);
            var now = DateTime.UtcNow;
            foreach (var (kind, (name, cron)) in kinds.All.Where(k => k.System is not null && !existing.Contains(k.Name)).Select(k => (k.Name, k.System!)))
            {
                var id = Guid.NewGuid();
                db.JobSchedules.Add(new JobSchedule
                {
                    Id = id, Name = name, Kind = kind, CronExpression = cron, TimeZoneId = "UTC", IsSystem = true,
                    Payload = new EmptyPayload().ToJson(), CreatedBy = "system", CreatedAt = now, UpdatedBy = "system", UpdatedAt = now,
                });
                db.Audit("system", "schedule.created", "schedule", id.ToString(), new { name, kind, cron });
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e)
            {
                // Two nodes starting at once: the other one created them (unique name).
                logger.LogInformation("Housekeeping schedules were created by another node: {Message}", e.InnerException?.Message ?? e.Message);
            }
        }
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        foreach (var schedule in await read.JobSchedules.AsNoTracking().ToListAsync(ct))
            await SyncAsync(schedule, ct);
    }
}
