using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

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
            // SQLite rebuilds a table with foreign keys off, which it cannot do inside a transaction; EF warns about
            // that at every first start. MigrateAsync below says what is true instead, once, and takes a copy first.
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o.MigrationsAssembly(assembly))
                .ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning)),
            DatabaseProvider.Postgres => builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(assembly)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString, o => o.MigrationsAssembly(assembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
    }

    /// <summary>
    /// Applies the pending migrations. On SQLite some of them rebuild tables (a new table, the rows copied, the old one
    /// dropped) with foreign keys off, a step SQLite cannot run inside a transaction, so a process killed in the middle
    /// could leave a migration half-applied. The portal migrates before it serves anything, and a database that already
    /// has data is copied next to itself first (SQLite's online backup): that copy is the way back.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        PortalDbContext db, DatabaseProvider provider, PortalPaths paths, ILogger logger, CancellationToken ct = default)
    {
        var (applied, pending) = await MigrationStateAsync(db, ct);
        if (pending.Count == 0) return pending;
        if (provider == DatabaseProvider.Sqlite)
        {
            if (applied.Count == 0)
                logger.LogInformation(
                    "Creating the SQLite database ({Count} migrations). Some steps run outside a transaction, as SQLite requires for " +
                    "table rebuilds; if this first start is interrupted, delete {File} and start again.", pending.Count, paths.SqliteFile);
            else
            {
                var backup = await BackupSqliteAsync(db, paths, pending[^1], ct);
                logger.LogInformation(
                    "Applying {Count} migration(s) to SQLite: {Names}. Some steps run outside a transaction, as SQLite requires for " +
                    "table rebuilds; the database was copied to {Backup} first, to restore if the upgrade is interrupted.",
                    pending.Count, string.Join(", ", pending), backup);
            }
        }
        else
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Names}", pending.Count, provider, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
        return pending;
    }

    /// <summary>
    /// Applied and pending migrations. An empty database has no history table yet: asked for its rows, EF logs a failed
    /// command at Error level before it copes, which reads like a broken first start; the table's existence is checked first.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending)> MigrationStateAsync(PortalDbContext db, CancellationToken ct = default)
    {
        var applied = await db.GetService<IHistoryRepository>().ExistsAsync(ct)
            ? (await db.Database.GetAppliedMigrationsAsync(ct)).ToList()
            : [];
        return (applied, db.Database.GetMigrations().Except(applied).ToList());
    }

    private static async Task<string> BackupSqliteAsync(PortalDbContext db, PortalPaths paths, string before, CancellationToken ct)
    {
        var folder = Path.Combine(paths.DataDirectory, "backups");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"portal-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-before-{before}.db");
        var source = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
            await target.OpenAsync(ct);
            source.BackupDatabase(target);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return file;
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
