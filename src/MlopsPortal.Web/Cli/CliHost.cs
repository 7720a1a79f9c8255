using Microsoft.Extensions.Options;
using MlopsPortal.Core;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Web.Cli;

/// <summary>A small host for portal commands: configuration, the database and the feature services, no web stack.</summary>
internal static class CliHost
{
    /// <param name="scheduling">
    /// Also Quartz on the portal's database, never started here: the training commands need it (TrainingService
    /// queues runs through JobService); a portal or worker node runs what they queue.
    /// </param>
    public static async Task<IHost> StartAsync(CliContext context, string dataDir, bool prepareDatabase = true, bool scheduling = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = context.ConfigArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var paths = new PortalPaths(dataDir);
        builder.AddPortalCore(paths);
        if (scheduling)
            builder.AddPortalScheduling(paths, "cli");
        var host = builder.Build();
        if (prepareDatabase)
            await host.Services.PrepareDatabaseAsync();
        return host;
    }

    public static DatabaseOptions Database(this IHost host) =>
        host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
}
