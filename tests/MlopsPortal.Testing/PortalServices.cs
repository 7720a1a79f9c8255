using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Testing;

/// <summary>Core services (database, identity, feature services) on a migrated real database, no web stack.</summary>
public sealed class PortalServices : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private IHost _host = default!;

    public IServiceProvider Services => _host.Services;
    public DatabaseProvider Provider { get; private set; }
    public string DataDirectory => _dir.Path;

    public static async Task<PortalServices> StartAsync(
        DatabaseProvider provider, IDictionary<string, string?>? settings = null, string? connectionString = null)
    {
        var result = new PortalServices { Provider = provider };
        connectionString ??= provider == DatabaseProvider.Postgres ? await PostgresServer.CreateDatabaseAsync() : "";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:MigrateOnStart"] = "true",
            ["ConnectionStrings:Portal"] = connectionString,
            [TestCertificates.Setting] = TestCertificates.DataProtectionPath,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Tests provoke database errors on purpose; the assertions check them, the log need not.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None);
        builder.AddPortalCore(new PortalPaths(result._dir.Path));
        result._host = builder.Build();
        await result._host.Services.PrepareDatabaseAsync();
        return result;
    }

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public T Get<T>(AsyncServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _dir.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>The repository root, found from the test's output folder.</summary>
public static class RepositoryRoot
{
    public static string Path
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "MlopsPortal.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("MlopsPortal.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
