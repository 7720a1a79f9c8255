using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>A request to run a job once.</summary>
public sealed record JobRequest(string Kind, JobPayload Payload, string? Reason = null, bool RequiresGpu = false)
{
    /// <summary>Set by the schedule dispatcher: the schedule, when it was due, and whether that was long ago.</summary>
    public Guid? ScheduleId { get; init; }
    public DateTime? DueAt { get; init; }
    public bool Late { get; init; }
    /// <summary>Overrides "who asked" (a schedule names itself and its creator).</summary>
    public string? TriggeredBy { get; init; }
}

/// <summary>A page of job history, newest first. NodeId and TriggeredBy match parts, case-insensitively; TriggeredBy also matches people's display names.</summary>
public sealed record JobRunQuery(
    string? Kind = null, JobRunStatus? Status = null, string? NodeId = null, string? TriggeredBy = null,
    int Skip = 0, int Take = 50);

/// <summary>
/// Queues, cancels and lists job runs. A queued run is a JobRun row (audited) and a one-off Quartz
/// job that carries its id; whichever node takes the trigger runs it (<see cref="PortalJob"/>).
/// </summary>
public sealed class JobService(
    IDbContextFactory<PortalDbContext> dbFactory, ISchedulerFactory schedulers, JobKinds kinds, ILogger<JobService> logger)
{
    public static readonly string[] OperatorRoles = [Roles.MlEngineer, Roles.Administrator];

    /// <summary>Queues a run. Feature services check their own rules first; this only records and queues.</summary>
    public async Task<JobRun> EnqueueAsync(Actor actor, JobRequest request, CancellationToken ct = default)
    {
        var kind = kinds.Get(request.Kind);
        var id = Guid.NewGuid();
        var run = new JobRun
        {
            Id = id, Kind = kind.Name, Status = JobRunStatus.Queued,
            JobKey = $"{kind.Group}.run-{id:N}",
            ScheduleId = request.ScheduleId, DueAt = request.DueAt, Late = request.Late,
            TriggeredBy = request.TriggeredBy ?? actor.AuditName,
            Reason = request.Reason, Payload = request.Payload.ToJson(), PayloadVersion = request.Payload.Version,
            RequiresGpu = request.RequiresGpu, QueuedAt = DateTime.UtcNow,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.JobRuns.Add(run);
            db.Audit(actor.AuditName, "job.requested", "job-run", id.ToString(), new
            {
                kind = kind.Name, reason = request.Reason, requiresGpu = request.RequiresGpu,
                schedule = request.ScheduleId?.ToString(), payload = run.Payload,
            });
            await db.SaveChangesAsync(ct);
        }
        try
        {
            // The row is committed: a caller that goes away now must not leave it without its Quartz job.
            await ScheduleQuartzJobAsync(run, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The row says queued but nothing will run it: record the failure in history, then fail loudly.
            logger.LogError(e, "Could not queue job run {RunId} in Quartz.", id);
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var stored = await db.JobRuns.SingleAsync(r => r.Id == id, CancellationToken.None);
            stored.Status = JobRunStatus.Failed;
            stored.FinishedAt = DateTime.UtcNow;
            stored.Error = $"Could not be queued: {e.Message}";
            db.Audit(actor.AuditName, "job.failed", "job-run", id.ToString(), new { error = stored.Error });
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        return run;
    }

    internal async Task ScheduleQuartzJobAsync(JobRun run, CancellationToken ct, bool replace = false)
    {
        var kind = kinds.Get(run.Kind);
        var scheduler = await schedulers.GetScheduler(ct);
        var name = $"run-{run.Id:N}";
        var job = JobBuilder.Create().OfType(kind.JobType)
            .WithIdentity(name, kind.Group)
            .WithDescription($"{kind.DisplayName} {run.Id}")
            .UsingJobData(PortalJob.RunIdKey, run.Id.ToString())
            .RequestRecovery(kind.Recoverable)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(name, kind.Group)
            .ForJob(job)
            .StartNow()
            // Queued behind busy nodes is not "missed": run as soon as a node is free.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow));
        if (run.RequiresGpu)
            trigger = trigger.WithExecutionGroup(WorkerCapabilities.GpuExecutionGroup);
        await scheduler.ScheduleJob(job, trigger.Build(), new ScheduleJobOptions { Replace = replace }, ct);
    }

    /// <summary>
    /// Re-queues runs whose row was written but whose Quartz job is missing (the process died between
    /// the two): run by each node at start.
    /// </summary>
    public async Task<int> RequeueOrphansAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cutoff = DateTime.UtcNow.AddMinutes(-1);
        var queued = await db.JobRuns.AsNoTracking()
            .Where(r => r.Status == JobRunStatus.Queued && r.QueuedAt < cutoff).ToListAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        var requeued = 0;
        foreach (var run in queued)
        {
            try
            {
                var kind = kinds.Get(run.Kind);
                if (await scheduler.Exists(new JobKey($"run-{run.Id:N}", kind.Group), ct))
                    continue;
                await ScheduleQuartzJobAsync(run, ct);
                requeued++;
                logger.LogWarning("Re-queued job run {RunId}: its Quartz job was missing.", run.Id);
            }
            catch (Exception e) when (e is ObjectAlreadyExistsException or PortalValidationException)
            {
                // Another node re-queued it at the same moment, or the kind is unknown to this version.
                logger.LogInformation("Job run {RunId} not re-queued here: {Message}", run.Id, e.Message);
            }
        }
        return requeued;
    }

    /// <summary>A run that has stopped its node this many times is not started again.</summary>
    public const int MaxAttemptsAfterRestart = 3;

    /// <summary>
    /// At the start of the single node of a SQLite portal (no cluster, so no other node recovers anything): the runs that
    /// still say "running" were left by an earlier process of this portal, killed while they ran. Recoverable kinds run
    /// again now (their next attempt); the others fail now, with the reason. A run held by a process that is still alive
    /// (a `demo` beside the portal, which docs/operations.md advises against) is left to it.
    /// </summary>
    public async Task<(int Restarted, int Failed)> RecoverAfterRestartAsync(SchedulerNode self, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var running = await db.JobRuns.Where(r => r.Status == JobRunStatus.Running && r.NodeId != self.Id).ToListAsync(ct);
        if (running.Count == 0) return (0, 0);
        var nodeIds = running.Select(r => r.NodeId).Distinct().ToList();
        var nodes = await db.WorkerNodes.AsNoTracking().Where(n => nodeIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, ct);
        var scheduler = await schedulers.GetScheduler(ct);
        var restart = new List<JobRun>();
        var failed = 0;
        foreach (var run in running)
        {
            var node = run.NodeId is { } id ? nodes.GetValueOrDefault(id) : null;
            if (node is not null && IsAlive(node, self))
                continue;
            var kind = kinds.Find(run.Kind);
            var stopped = $"The portal stopped while this run was running on node {run.NodeId} (last heartbeat {run.LastHeartbeatAt:yyyy-MM-dd HH:mm:ss} UTC)";
            var reason = kind is null ? $"{stopped}, and this version of the portal has no job kind '{run.Kind}' to run it again."
                : !kind.Recoverable ? $"{stopped}; {kind.DisplayName} runs are not restarted after a stop. Start it again if it is still needed."
                : run.Attempts >= MaxAttemptsAfterRestart ? $"{stopped} for the {run.Attempts}th time; it is not started again, so that it cannot stop the portal once more."
                : null;
            if (reason is null)
            {
                restart.Add(run);
                continue;
            }
            run.Status = JobRunStatus.Failed;
            run.FinishedAt = DateTime.UtcNow;
            run.Error = reason;
            db.Audit("system", "job.failed", "job-run", run.Id.ToString(), new { kind = run.Kind, node = run.NodeId, error = reason });
            if (kind is not null)
                await scheduler.DeleteJob(new JobKey($"run-{run.Id:N}", kind.Group), ct);
            failed++;
            logger.LogWarning("Job run {RunId} ({Kind}) failed at start-up: {Reason}", run.Id, run.Kind, reason);
        }
        if (failed > 0)
            await db.SaveChangesAsync(ct);
        foreach (var run in restart)
        {
            // Its Quartz job may have died with the process or linger half-fired: a fresh one replaces it. The claim then
            // counts the attempt and records how long after the last heartbeat the run came back.
            await ScheduleQuartzJobAsync(run, ct, replace: true);
            logger.LogWarning("Job run {RunId} ({Kind}) was running when the portal stopped; it runs again now (attempt {Attempt}).",
                run.Id, run.Kind, run.Attempts + 1);
        }
        return (restart.Count, failed);
    }

    /// <summary>
    /// Whether a node's process still runs: the same host, a live process with its id, started no later than the node
    /// registered (else the id was reused). This process's own id stands for an earlier incarnation (a restarted
    /// container is process 1 again).
    /// </summary>
    private static bool IsAlive(WorkerNode node, SchedulerNode self)
    {
        if (node.StoppedAt is not null || node.Host != self.Host || node.ProcessId == self.ProcessId)
            return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(node.ProcessId);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= node.StartedAt.AddMinutes(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// Marks as failed the runs that say "running" on a node that is gone, long after cluster recovery
    /// would have restarted them (the node died while recording an outcome, or a kind is not
    /// recoverable). Called periodically by every node once it has been up for <paramref name="staleAfter"/>.
    /// </summary>
    public async Task<int> FailAbandonedRunsAsync(TimeSpan staleAfter, CancellationToken ct = default)
    {
        var cutoff = DateTime.UtcNow - staleAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var goneNodes = db.WorkerNodes.Where(n => n.StoppedAt != null || n.LastCheckInAt < cutoff).Select(n => n.Id);
        var abandoned = await db.JobRuns
            .Where(r => r.Status == JobRunStatus.Running && r.LastHeartbeatAt < cutoff && goneNodes.Contains(r.NodeId!))
            .Take(100).ToListAsync(ct);
        foreach (var run in abandoned)
        {
            run.Status = JobRunStatus.Failed;
            run.FinishedAt = DateTime.UtcNow;
            run.Error = $"Abandoned: node {run.NodeId} stopped checking in at or before {run.LastHeartbeatAt:yyyy-MM-dd HH:mm:ss} UTC and no node took the run over.";
            db.Audit("system", "job.failed", "job-run", run.Id.ToString(), new { kind = run.Kind, error = run.Error });
        }
        if (abandoned.Count == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // One was claimed meanwhile: the next sweep looks again.
            return 0;
        }
        logger.LogWarning("Marked {Count} abandoned job run(s) as failed.", abandoned.Count);
        return abandoned.Count;
    }

    /// <summary>
    /// Cancels a queued run at once, or asks a running one to stop: it notices at its next flush (within
    /// a second while it reports progress, otherwise within the heartbeat interval).
    /// </summary>
    public async Task<JobRun> CancelAsync(Actor actor, Guid runId, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var run = await db.JobRuns.SingleOrDefaultAsync(r => r.Id == runId, ct)
                      ?? throw new PortalNotFoundException($"No job run {runId}.");
            if (run.TriggeredBy != actor.AuditName)
                actor.Require(OperatorRoles);
            if (!run.IsActive)
                throw new PortalValidationException($"The run is already {run.Status.ToString().ToLowerInvariant()}.");
            run.CancelRequested = true;
            run.CancelRequestedBy = actor.AuditName;
            var wasQueued = run.Status == JobRunStatus.Queued;
            if (wasQueued)
            {
                run.Status = JobRunStatus.Cancelled;
                run.FinishedAt = DateTime.UtcNow;
                run.Summary = "Cancelled before it started.";
            }
            db.Audit(actor.AuditName, wasQueued ? "job.cancelled" : "job.cancel-requested", "job-run", run.Id.ToString(), new { kind = run.Kind });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt == 0)
            {
                // A node claimed it between our read and write: ask the running job to stop instead.
                continue;
            }
            if (wasQueued)
            {
                var scheduler = await schedulers.GetScheduler(CancellationToken.None);
                await scheduler.DeleteJob(new JobKey($"run-{run.Id:N}", kinds.Get(run.Kind).Group), CancellationToken.None);
            }
            return run;
        }
    }

    /// <summary>Queues a cluster check (the diagnostic kind): operators use it to see nodes take and finish work.</summary>
    public Task<JobRun> RequestDiagnosticAsync(Actor actor, Jobs.DiagnosticPayload payload, CancellationToken ct = default)
    {
        actor.Require(OperatorRoles);
        InputLimits.Finite(payload.DurationSeconds, "durationSeconds");
        if (payload.DurationSeconds is < 0 or > 3600)
            throw new PortalValidationException("A cluster check runs between 0 and 3600 seconds.");
        return EnqueueAsync(actor, new JobRequest(RunDiagnosticJob.Kind, payload, "Cluster check", payload.RequiresGpu), ct);
    }

    public async Task<(IReadOnlyList<JobRun> Runs, int Total)> QueryAsync(JobRunQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = db.JobRuns.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Kind)) runs = runs.Where(r => r.Kind == query.Kind);
        if (query.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (!string.IsNullOrWhiteSpace(query.NodeId))
        {
            var node = query.NodeId.Trim().ToLower();
            runs = runs.Where(r => r.NodeId != null && r.NodeId.ToLower().Contains(node));
        }
        if (!string.IsNullOrWhiteSpace(query.TriggeredBy))
        {
            // People read names, the column holds audit strings ("user:EMAIL", "drift-alert:ID (by user:EMAIL)"):
            // match the text itself, or the e-mail of anyone whose display name contains it.
            var text = query.TriggeredBy.Trim().ToLower();
            var emails = db.Users.Where(u => u.DisplayName.ToLower().Contains(text)).Select(u => u.UserName!.ToLower());
            runs = runs.Where(r => r.TriggeredBy.ToLower().Contains(text) || emails.Any(e => r.TriggeredBy.ToLower().Contains(e)));
        }
        var total = await runs.CountAsync(ct);
        var page = await runs.OrderByDescending(r => r.QueuedAt).ThenBy(r => r.Id)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(ct);
        return (page, total);
    }

    public async Task<IReadOnlyList<JobRun>> ActiveAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking()
            .Where(r => r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running)
            .OrderBy(r => r.QueuedAt).Take(200).ToListAsync(ct);
    }

    public async Task<JobRun> GetAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct)
               ?? throw new PortalNotFoundException($"No job run {runId}.");
    }

    /// <summary>The latest log lines of runs, oldest first per run.</summary>
    public async Task<IReadOnlyList<JobLogLine>> LogAsync(Guid runId, int last = 500, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lines = await db.JobLogLines.AsNoTracking().Where(l => l.JobRunId == runId)
            .OrderByDescending(l => l.Id).Take(last).ToListAsync(ct);
        lines.Reverse();
        return lines;
    }

    public async Task<ILookup<Guid, JobLogLine>> LatestLinesAsync(IReadOnlyCollection<Guid> runIds, int perRun, CancellationToken ct = default)
    {
        if (runIds.Count == 0) return Array.Empty<JobLogLine>().ToLookup(l => l.JobRunId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = runIds.ToList();
        var lines = await db.JobLogLines.AsNoTracking().Where(l => ids.Contains(l.JobRunId))
            .OrderByDescending(l => l.Id).Take(perRun * ids.Count * 4).ToListAsync(ct);
        return lines.GroupBy(l => l.JobRunId)
            .SelectMany(g => g.Take(perRun).Reverse())
            .ToLookup(l => l.JobRunId);
    }
}
