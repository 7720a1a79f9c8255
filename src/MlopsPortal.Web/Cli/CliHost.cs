using Microsoft.Extensions.Options;
using MlopsPortal.Core;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Web.Cli;

/// <summary>A small host for portal commands: configuration, the database and the feature services, no web stack.</summary>
internal static class CliHost
{
    public static async Task<IHost> StartAsync(CliContext context, string dataDir, bool prepareDatabase = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = context.ConfigArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPortalCore(new PortalPaths(dataDir));
        var host = builder.Build();
        if (prepareDatabase)
            await host.Services.PrepareDatabaseAsync();
        return host;
    }

    public static DatabaseOptions Database(this IHost host) =>
        host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
}
