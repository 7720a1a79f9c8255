using MlopsPortal.Core;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Web.Hosting;

/// <summary>
/// A worker node: the database, the feature services and the Quartz scheduler, no web stack and no
/// UI services. `worker` and the cluster tests come through here.
/// </summary>
public static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(PortalHostSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. settings.Args],
            EnvironmentName = settings.EnvironmentName,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(WorkerHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(settings.Overrides);
        // A worker always executes jobs: that is what it is for.
        builder.Configuration.AddInMemoryCollection([new($"{SchedulingOptions.Section}:{nameof(SchedulingOptions.ExecuteJobs)}", "true")]);
        var paths = new PortalPaths(settings.DataDirectory);
        builder.AddPortalCore(paths);
        builder.AddPortalScheduling(paths, "worker", settings.GpuSelfTest);
        return builder;
    }
}
