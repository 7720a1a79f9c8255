using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>What a job kind returns: a summary for history, what it produced, and the rows to commit with the outcome.</summary>
public sealed record JobOutcome(string Summary, string? OutputEntityType = null, string? OutputEntityId = null)
{
    /// <summary>Settable so that <see cref="Persist"/> can name what it wrote (a version number known only in its transaction).</summary>
    public string Summary { get; set; } = Summary;
    public string? OutputEntityId { get; set; } = OutputEntityId;

    /// <summary>
    /// Adds the job's database results (with their audit events) to the context that also records
    /// the outcome: one transaction, so nothing the job wrote is visible before it succeeded.
    /// </summary>
    public Func<PortalDbContext, CancellationToken, Task>? Persist { get; init; }
}

/// <summary>What a running job sees: its run, its payload, progress and log, and whether it is a recovery.</summary>
public sealed class JobContext(JobRun run, JobProgress progress, bool recovering)
{
    public JobRun Run { get; } = run;
    public JobProgress Progress { get; } = progress;
    /// <summary>A previous attempt died with its node; the job starts over (jobs are idempotent).</summary>
    public bool Recovering { get; } = recovering;

    public T Payload<T>() where T : JobPayload => JobPayload.Read<T>(Run.Payload, Run.PayloadVersion);
}

/// <summary>
/// The edge of every job kind: claims the run, keeps its heartbeat and progress, turns every
/// exception into a failed run in history, and commits the outcome with the job's own rows in one
/// transaction. Kinds implement <see cref="RunAsync"/> and stay thin.
/// </summary>
public abstract class PortalJob(JobServices services) : IJob
{
    public const string RunIdKey = "jobRunId";

    protected JobServices Services { get; } = services;

    protected abstract Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var logger = Services.Logger;
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(RunIdKey), out var runId))
        {
            logger.LogError("Job {JobKey} has no {Key} in its data; nothing to run.", context.JobDetail.Key, RunIdKey);
            return;
        }
        var run = await ClaimAsync(runId, context.Recovering, cancellationToken);
        if (run is null)
            return;

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = new JobProgress(run.Id, Services, cancel);
        progress.Log(context.Recovering || run.RecoveredAfterSeconds is not null
            ? $"Restarted on {Services.Node.Id} (attempt {run.Attempts}) after the previous node stopped checking in: {run.RecoveredAfterSeconds:0.0} s after its last heartbeat."
            : $"Started on {Services.Node.Id} (attempt {run.Attempts}).");
        var heartbeat = progress.KeepAliveAsync(Services.Options.HeartbeatInterval);

        JobOutcome? outcome = null;
        Exception? error = null;
        try
        {
            outcome = await RunAsync(new JobContext(run, progress, context.Recovering), cancel.Token);
        }
        catch (OperationCanceledException) when (progress.CancelRequested)
        {
            progress.Log("Cancelled at the request of " + (progress.CancelledBy ?? "a user") + ".", "warn");
        }
        catch (OperationCanceledException) when (progress.RunLost)
        {
            // Another node holds the run now (this node was taken for dead): stop, and write nothing.
            logger.LogWarning("Job run {RunId} was taken over by another node; this attempt stops without an outcome.", run.Id);
            await progress.StopAsync(heartbeat);
            return;
        }
        catch (Exception e)
        {
            // Jobs catch everything at their edge: the failure is recorded in history, not lost in a log.
            error = e;
            logger.LogError(e, "Job run {RunId} ({Kind}) failed.", run.Id, run.Kind);
            progress.Log($"Failed: {e.Message}", "error");
        }
        finally
        {
            await progress.StopAsync(heartbeat);
        }
        try
        {
            await FinishAsync(run, outcome, error, progress, CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The attempt count moved: another node claimed the run meanwhile. Its outcome counts, not ours.
            logger.LogWarning("Job run {RunId} was taken over by another node before it finished here; its outcome is discarded.", run.Id);
        }
        catch (Exception e)
        {
            // The outcome (with the job's rows) could not be written: record the failure without them,
            // so that the run never stays "running".
            logger.LogError(e, "Could not record the outcome of job run {RunId}.", run.Id);
            await FinishAsync(run, null, new InvalidOperationException($"The outcome could not be recorded: {e.Message}", e), progress, CancellationToken.None);
        }
    }

    /// <summary>
    /// Marks the run as running on this node. Returns null when there is nothing to do: the run was
    /// cancelled while queued, already finished, or another node holds it.
    /// </summary>
    private async Task<JobRun?> ClaimAsync(Guid runId, bool recovering, CancellationToken ct)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        var run = await db.JobRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            Services.Logger.LogWarning("Job run {RunId} is not in the database; its Quartz job is dropped.", runId);
            return null;
        }
        if (!run.IsActive)
        {
            Services.Logger.LogInformation("Job run {RunId} is {Status}; not starting it.", runId, run.Status);
            return null;
        }
        var now = DateTime.UtcNow;
        double? recoveredAfter = run.Status == JobRunStatus.Running && run.LastHeartbeatAt is { } beat
            ? Math.Round((now - beat).TotalSeconds, 1)
            : run.RecoveredAfterSeconds;
        // The attempt count is the optimistic lock: if two nodes ever raced for one run, one loses here.
        var claimed = await db.JobRuns
            .Where(r => r.Id == runId && r.Attempts == run.Attempts && (r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, JobRunStatus.Running)
                .SetProperty(r => r.NodeId, Services.Node.Id)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1)
                .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                .SetProperty(r => r.LastHeartbeatAt, now)
                .SetProperty(r => r.RecoveredAfterSeconds, recoveredAfter), ct);
        if (claimed == 0)
        {
            Services.Logger.LogWarning("Job run {RunId} was claimed by another node first.", runId);
            return null;
        }
        if (recovering || run.Status == JobRunStatus.Running)
            Services.Logger.LogWarning("Recovering job run {RunId} ({Kind}) from node {OldNode}, {Seconds} s after its last heartbeat.",
                runId, run.Kind, run.NodeId, recoveredAfter);
        run.Status = JobRunStatus.Running;
        run.NodeId = Services.Node.Id;
        run.Attempts++;
        run.StartedAt ??= now;
        run.RecoveredAfterSeconds = recoveredAfter;
        return run;
    }

    private async Task FinishAsync(JobRun claimed, JobOutcome? outcome, Exception? error, JobProgress progress, CancellationToken ct)
    {
        // What the job reported (log lines, rounds) is written before the outcome, so that a reader who sees
        // the run finished also sees all of its progress.
        await FlushLastAsync(progress, claimed.Id);
        await using var db = await Services.DbFactory.CreateDbContextAsync(ct);
        // One transaction from the job's own reads in Persist to the outcome: nothing half-written.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var run = await db.JobRuns.SingleAsync(r => r.Id == claimed.Id, ct);
        if (run.Status != JobRunStatus.Running || run.NodeId != Services.Node.Id || run.Attempts != claimed.Attempts)
            throw new DbUpdateConcurrencyException($"Job run {run.Id} is {run.Status} on {run.NodeId} (attempt {run.Attempts}), no longer this node's attempt {claimed.Attempts}.");
        var status = error is not null ? JobRunStatus.Failed
            : outcome is null ? JobRunStatus.Cancelled
            : JobRunStatus.Succeeded;
        if (status == JobRunStatus.Succeeded)
        {
            run.Progress = 1;
            if (outcome?.Persist is { } persist)
                await persist(db, ct);
        }
        run.Status = status;
        run.FinishedAt = DateTime.UtcNow;
        run.LastHeartbeatAt = run.FinishedAt;
        run.Summary = Truncate(outcome?.Summary ?? (status == JobRunStatus.Cancelled ? "Cancelled." : null), 2000);
        run.Error = Truncate(error?.Message, 4000);
        run.OutputEntityType = outcome?.OutputEntityType;
        run.OutputEntityId = outcome?.OutputEntityId;
        db.Audit(Security.Actor.Job(run.JobKey).AuditName, $"job.{status.ToString().ToLowerInvariant()}", "job-run", run.Id.ToString(), new
        {
            kind = run.Kind, node = run.NodeId, attempts = run.Attempts, summary = run.Summary, error = run.Error,
            output = run.OutputEntityType is null ? null : $"{run.OutputEntityType}/{run.OutputEntityId}",
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await FlushLastAsync(progress, claimed.Id);
    }

    /// <summary>Telemetry that cannot be written never keeps a run from getting its outcome.</summary>
    private async Task FlushLastAsync(JobProgress progress, Guid runId)
    {
        try
        {
            await progress.FlushAsync(CancellationToken.None, final: true);
        }
        catch (Exception e)
        {
            Services.Logger.LogWarning(e, "Could not write the last log lines or progress rows of job run {RunId}.", runId);
        }
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>What every job needs, in one constructor argument.</summary>
public sealed class JobServices(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<SchedulingOptions> options, SchedulerNode node,
    PortalPaths paths, ILogger<PortalJob> logger)
{
    public IDbContextFactory<PortalDbContext> DbFactory { get; } = dbFactory;
    public SchedulingOptions Options { get; } = options.Value;
    public SchedulerNode Node { get; } = node;
    public PortalPaths Paths { get; } = paths;
    public ILogger Logger { get; } = logger;
}

/// <summary>Versioned job data. Every payload carries its version; readers upgrade old versions explicitly.</summary>
public abstract record JobPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The payload version this code writes.</summary>
    public virtual int Version => 1;

    public virtual string ToJson() => JsonSerializer.Serialize(this, GetType(), Json);

    public static T Read<T>(string json, int version) where T : JobPayload
    {
        var value = JsonSerializer.Deserialize<T>(json, Json)
                    ?? throw new Security.PortalValidationException("The job payload is empty.");
        if (version > value.Version)
            throw new Security.PortalValidationException(
                $"The job payload has version {version}; this node understands up to {value.Version}. Upgrade the node.");
        return value;
    }
}

/// <summary>For kinds that take no parameters yet.</summary>
public sealed record EmptyPayload : JobPayload;
