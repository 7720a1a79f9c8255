using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlopsPortal.Core.Data;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>
    /// Quartz on the portal's database and this process as a node: a portal ("portal", runs jobs
    /// unless Scheduling:ExecuteJobs is false) or a worker ("worker"). On PostgreSQL and SQL Server
    /// the nodes form one cluster; on SQLite the one process runs everything (ADR-008).
    /// Throws <see cref="GpuSelfTestFailedException"/> when gpu is declared but the self-test fails.
    /// </summary>
    public static IHostApplicationBuilder AddPortalScheduling(
        this IHostApplicationBuilder builder, PortalPaths paths, string mode, IGpuSelfTest? gpuSelfTest = null)
    {
        var services = builder.Services;
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section);
        var options = builder.Configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        database.ConnectionString ??= builder.Configuration.GetConnectionString("Portal");
        var connectionString = PortalDatabase.ResolveConnectionString(database, paths);

        var node = SchedulerNode.Create(mode, options.CapabilityList, gpuSelfTest ?? new CudaDriverSelfTest());
        services.AddSingleton(node);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerNode.SchedulerName;
                s.InstanceId = node.Id;
                s.IdleWaitTime = options.IdleWaitTime;
            });
            // GPU jobs carry the "gpu" execution group; a node without a GPU never acquires them.
            if (!node.HasGpu)
                q.RefuseExecutionGroups(WorkerCapabilities.GpuExecutionGroup);
            q.UseDefaultThreadPool(options.EffectiveConcurrency);
            q.UsePersistentStore(store =>
            {
                _ = database.Provider switch
                {
                    DatabaseProvider.Sqlite => store.UseSqlite(connectionString),
                    DatabaseProvider.Postgres => store.UsePostgres(connectionString),
                    DatabaseProvider.SqlServer => store.UseSqlServer(connectionString),
                    _ => throw new ArgumentOutOfRangeException(nameof(database.Provider)),
                };
                // Quartz does not support clustering on SQLite: there the portal is the only node.
                if (database.Provider != DatabaseProvider.Sqlite)
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = options.CheckinInterval;
                        c.CheckinMisfireThreshold = options.CheckinMisfireThreshold;
                    });
                store.UseSystemTextJsonSerializer(_ => { });
                store.ProvisionSchema();
                store.ConfigureStore(s =>
                {
                    s.TablePrefix = QuartzSchema.TablePrefix;
                    s.MisfireThreshold = options.MisfireThreshold;
                });
            });
            q.AddTriggerListener<MissedFiringListener>([GroupMatcher<TriggerKey>.GroupEquals(Jobs.FireScheduleJob.Group)]);
        });
        // Registered before Quartz's hosted service: it starts first (the node is on the Workers page
        // before it takes jobs) and stops last (after Quartz has let running jobs finish).
        if (options.ExecuteJobs)
        {
            services.AddHostedService<WorkerNodeService>();
            // Nodes that run jobs also send e-mails and webhook deliveries (claimed per message: never twice at once).
            services.AddHostedService<Notifications.NotificationDispatchService>();
        }
        else
            services.AddHostedService<ScheduleSyncService>();
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            // Start with the host, so that /health and the first page see a running scheduler.
            o.AwaitApplicationStarted = false;
            o.AutoStart = options.ExecuteJobs;
        });
        services.AddSingleton<JobServices>();
        services.AddSingleton<JobService>();
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<WorkerNodeQueries>();
        services.AddHealthChecks().AddQuartz(o =>
        {
            o.Name = "scheduler";
            // A portal that only schedules (ExecuteJobs false) never starts its scheduler: that is healthy.
            if (!options.ExecuteJobs)
                o.StandbyStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        });
        return builder;
    }
}

/// <summary>A portal that runs no jobs still keeps schedules and Quartz triggers in line at start.</summary>
internal sealed class ScheduleSyncService(ScheduleService schedules) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => schedules.EnsureSchedulesAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
