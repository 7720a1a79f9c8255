using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Scheduling;

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
        await RunStartupTasksAsync(stoppingToken);
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

    /// <summary>The features' work for a starting node (the artifact sweep, for one), each on its own: one failing stops none.</summary>
    private async Task RunStartupTasksAsync(CancellationToken ct)
    {
        foreach (var task in services.GetServices<INodeStartupTask>())
        {
            try
            {
                await task.RunAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Node {NodeId} could not {Task} at start: {Retry}", node.Id, task.Description, task.Retry);
            }
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
