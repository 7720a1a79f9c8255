using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

public enum WorkerState
{
    Healthy,
    /// <summary>Missed a couple of check-ins: busy, paused by the OS, or about to be declared gone.</summary>
    Late,
    Gone,
}

/// <summary>A node with its state and how many runs it holds now.</summary>
public sealed record WorkerView(WorkerNode Node, WorkerState State, int RunningJobs);

/// <summary>Reads the Workers page's view of the cluster.</summary>
public sealed class WorkerNodeQueries(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SchedulingOptions> options)
{
    public static WorkerState StateOf(WorkerNode node, DateTime now, TimeSpan heartbeat) =>
        node.StoppedAt is not null ? WorkerState.Gone
        : now - node.LastCheckInAt <= heartbeat * 2 + TimeSpan.FromSeconds(1) ? WorkerState.Healthy
        : now - node.LastCheckInAt <= heartbeat * 6 ? WorkerState.Late
        : WorkerState.Gone;

    public async Task<IReadOnlyList<WorkerView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var nodes = await db.WorkerNodes.AsNoTracking().OrderByDescending(n => n.LastCheckInAt).Take(500).ToListAsync(ct);
        var running = await db.JobRuns.AsNoTracking().Where(r => r.Status == JobRunStatus.Running && r.NodeId != null)
            .GroupBy(r => r.NodeId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var now = DateTime.UtcNow;
        return nodes.Select(n => new WorkerView(n, StateOf(n, now, options.Value.HeartbeatInterval), running.GetValueOrDefault(n.Id)))
            .OrderBy(v => v.State).ThenBy(v => v.Node.Host).ThenBy(v => v.Node.StartedAt).ToList();
    }
}

/// <summary>
/// This node's presence: registers it, checks in every <see cref="SchedulingOptions.HeartbeatInterval"/>,
/// marks it stopped on a clean shutdown. At start it also brings schedules and queued runs in line
/// with Quartz (the row is the record; the trigger follows it).
/// </summary>
public sealed class WorkerNodeService(
    IServiceProvider services, SchedulerNode node, IOptions<SchedulingOptions> options, ILogger<WorkerNodeService> logger)
    : BackgroundService
{
    /// <summary>Registers before the host reports started: a node that says it runs is on the Workers page.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RegisterAsync(services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), cancellationToken);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ScheduleService>().EnsureSchedulesAsync(cancellationToken);
            var jobs = scope.ServiceProvider.GetRequiredService<JobService>();
            // Before Quartz starts: on SQLite nothing else would notice the runs an earlier process left "running".
            // On a cluster, Quartz's own recovery restarts a dead node's runs on a live one (ADR-008).
            if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Sqlite)
                await jobs.RecoverAfterRestartAsync(node, cancellationToken);
            await jobs.RequeueOrphansAsync(cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await SweepArtifactsAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        var started = DateTime.UtcNow;
        var lastSweep = started;
        // Long after Quartz's own recovery would have restarted a dead node's runs.
        var staleAfter = TimeSpan.FromMinutes(2) + options.Value.CheckinMisfireThreshold * 2;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                    var now = DateTime.UtcNow;
                    await db.WorkerNodes.Where(n => n.Id == node.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(n => n.LastCheckInAt, now), stoppingToken);
                    if (now - started > staleAfter && now - lastSweep > TimeSpan.FromMinutes(1))
                    {
                        lastSweep = now;
                        var jobs = services.GetRequiredService<JobService>();
                        await jobs.RequeueOrphansAsync(stoppingToken);
                        await jobs.FailAbandonedRunsAsync(staleAfter, stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Node {NodeId} could not check in or sweep; retrying.", node.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What a killed process left in the artifact store goes at start (and daily, with the retention job).</summary>
    private async Task SweepArtifactsAsync(CancellationToken ct)
    {
        try
        {
            await services.GetRequiredService<Artifacts.ArtifactSweeper>().SweepAsync("system:artifact-sweep", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Node {NodeId} could not sweep the artifact store at start; the daily retention job tries again.", node.Id);
        }
    }

    private async Task RegisterAsync(IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        db.WorkerNodes.Add(new WorkerNode
        {
            Id = node.Id, Host = node.Host, ProcessId = node.ProcessId, Mode = node.Mode,
            Capabilities = string.Join(',', node.Capabilities), GpuName = node.GpuName,
            MaxConcurrency = options.Value.EffectiveConcurrency,
            Version = typeof(WorkerNodeService).Assembly.GetName().Version?.ToString() ?? "",
            StartedAt = now, LastCheckInAt = now,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Node {NodeId} ({Mode}, {Capabilities}) joined scheduler '{Scheduler}'.",
            node.Id, node.Mode, string.Join(',', node.Capabilities), SchedulerNode.SchedulerName);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
            var now = DateTime.UtcNow;
            await db.WorkerNodes.Where(n => n.Id == node.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.StoppedAt, now).SetProperty(n => n.LastCheckInAt, now), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Node {NodeId} could not record its stop.", node.Id);
        }
    }
}

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
