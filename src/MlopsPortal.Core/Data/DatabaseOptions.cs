using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MlopsPortal.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>Bound from the "Database" section; the connection string is ConnectionStrings:Portal.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    /// <summary>Apply migrations at start. Defaults to true for SQLite, false for server databases (use `migrate`).</summary>
    public bool? MigrateOnStart { get; set; }
    public string? ConnectionString { get; set; }
}

/// <summary>Where the portal keeps its files: the SQLite database and the artifact store.</summary>
public sealed class PortalPaths(string dataDirectory)
{
    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);
    public string SqliteFile => Path.Combine(DataDirectory, "portal.db");
    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");
}

public static class PortalDatabase
{
    public static string MigrationsAssembly(DatabaseProvider provider) => $"MlopsPortal.Migrations.{provider}";

    public static string ResolveConnectionString(DatabaseOptions options, PortalPaths paths) =>
        options.Provider switch
        {
            DatabaseProvider.Sqlite when string.IsNullOrWhiteSpace(options.ConnectionString) =>
                $"Data Source={paths.SqliteFile};Pooling=True",
            _ when !string.IsNullOrWhiteSpace(options.ConnectionString) => options.ConnectionString!,
            _ => throw new InvalidOperationException(
                $"Database:Provider is {options.Provider}: set ConnectionStrings:Portal (or ConnectionStrings__Portal)."),
        };

    public static void Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        var assembly = MigrationsAssembly(provider);
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(assembly)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(assembly)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString, o => o.MigrationsAssembly(assembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
    }

    public static PortalDbContext CreateContext(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        Configure(builder, provider, connectionString);
        return new PortalDbContext(builder.Options);
    }

    /// <summary>The idempotent SQL script of every migration, as stored under database/.</summary>
    public static string GenerateIdempotentScript(PortalDbContext db) =>
        db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent)
            .ReplaceLineEndings("\n");

    /// <summary>Placeholder connection strings that let a context build SQL without a server.</summary>
    public static string OfflineConnectionString(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=:memory:",
        DatabaseProvider.Postgres => "Host=localhost;Database=offline",
        DatabaseProvider.SqlServer => "Server=localhost;Database=offline;TrustServerCertificate=True",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
