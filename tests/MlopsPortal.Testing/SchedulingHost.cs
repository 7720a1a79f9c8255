using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Testing;

/// <summary>A GPU self-test with a fixed answer, for nodes that pretend to have (or lack) a GPU.</summary>
public sealed class FixedGpuSelfTest(bool passes) : IGpuSelfTest
{
    public GpuSelfTestResult Run() => passes
        ? new GpuSelfTestResult(true, "test GPU", "Test GPU")
        : new GpuSelfTestResult(false, "no GPU in this test");
}

/// <summary>
/// In-process scheduler hosts on a shared database: a client that only queues and schedules (as a
/// portal with Scheduling:ExecuteJobs=false), or a worker node (the same code as `worker`).
/// </summary>
public sealed class SchedulingHost : IAsyncDisposable
{
    private IHost _host = default!;

    public IServiceProvider Services => _host.Services;
    public SchedulerNode Node => Services.GetRequiredService<SchedulerNode>();
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    private static Dictionary<string, string?> Config(DatabaseProvider provider, string connectionString) => new()
    {
        ["Database:Provider"] = provider.ToString(),
        ["Database:MigrateOnStart"] = "true",
        ["ConnectionStrings:Portal"] = connectionString,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "None",
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
        [TestCertificates.Setting] = TestCertificates.DataProtectionPath,
    };

    /// <summary>Queues and schedules, runs nothing.</summary>
    public static async Task<SchedulingHost> StartClientAsync(DatabaseProvider provider, string connectionString, string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        var config = Config(provider, connectionString);
        config["Scheduling:ExecuteJobs"] = "false";
        builder.Configuration.AddInMemoryCollection(config);
        var paths = new PortalPaths(dataDirectory);
        builder.AddPortalCore(paths);
        builder.AddPortalScheduling(paths, "portal", new FixedGpuSelfTest(false));
        return await StartAsync(builder);
    }

    /// <summary>A worker node in this process, e.g. one that declares a (test) GPU.</summary>
    public static async Task<SchedulingHost> StartWorkerAsync(
        DatabaseProvider provider, string connectionString, string dataDirectory, string capabilities, IGpuSelfTest gpuSelfTest)
    {
        var config = Config(provider, connectionString);
        config["Scheduling:Capabilities"] = capabilities;
        var builder = WorkerHost.CreateBuilder(new PortalHostSettings
        {
            DataDirectory = dataDirectory, Overrides = config, GpuSelfTest = gpuSelfTest,
        });
        return await StartAsync(builder);
    }

    private static async Task<SchedulingHost> StartAsync(HostApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var host = new SchedulingHost { _host = builder.Build() };
        await host._host.Services.PrepareDatabaseAsync();
        await host._host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
