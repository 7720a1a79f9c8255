using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Data;

/// <summary>One model, three migration sets, two checked-in scripts: none may drift.</summary>
public sealed class MigrationsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void ShouldHaveNoPendingModelChanges_WhenTheModelIsComparedWithEachMigrationSet(DatabaseProvider provider)
    {
        using var db = PortalDatabase.CreateContext(provider, PortalDatabase.OfflineConnectionString(provider));
        db.Database.HasPendingModelChanges().ShouldBeFalse(
            $"The model changed without a {provider} migration: see database/README.md for the dotnet ef commands.");
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres, "postgres/portal.sql")]
    [InlineData(DatabaseProvider.SqlServer, "sqlserver/portal.sql")]
    public void ShouldMatchTheCheckedInScript_WhenTheIdempotentScriptIsGenerated(DatabaseProvider provider, string file)
    {
        using var db = PortalDatabase.CreateContext(provider, PortalDatabase.OfflineConnectionString(provider));
        var expected = PortalDatabase.GenerateIdempotentScript(db);
        var path = Path.Combine(RepositoryRoot.Path, "database", file);
        File.Exists(path).ShouldBeTrue($"{path} is missing: run `dotnet src/MlopsPortal.Web/bin/Release/net10.0/MlopsPortal.Web.dll migrate --script --provider {provider} --output database/{file}`.");
        File.ReadAllText(path).ReplaceLineEndings("\n").ShouldBe(expected,
            $"database/{file} is out of date with the migrations: regenerate it (database/README.md).");
    }

    [PostgresFact]
    public async Task ShouldApplyEveryMigrationAndSeedTheChainHead_WhenPostgresIsMigrated()
    {
        await using var portal = await PortalServices.StartAsync(DatabaseProvider.Postgres);
        await using var scope = portal.Scope();
        var db = portal.Get<PortalDbContext>(scope);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        var head = await db.AuditChainHeads.SingleAsync();
        head.Sequence.ShouldBe(0);
        head.Hash.ShouldBe(new string('0', 64));
        (await db.Roles.CountAsync()).ShouldBe(6);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres, "postgres/quartz.sql")]
    [InlineData(DatabaseProvider.SqlServer, "sqlserver/quartz.sql")]
    [InlineData(DatabaseProvider.Sqlite, "sqlite/quartz.sql")]
    public void ShouldMatchTheCheckedInSchedulerScript_WhenQuartzSchemaIsWritten(DatabaseProvider provider, string file)
    {
        var path = Path.Combine(RepositoryRoot.Path, "database", file);
        File.Exists(path).ShouldBeTrue($"{path} is missing: run `migrate --scheduler-script --provider {provider} --output database/{file}`.");
        File.ReadAllText(path).ReplaceLineEndings("\n").ShouldBe(QuartzSchema.ScriptForDatabaseFolder(provider),
            $"database/{file} differs from the DDL of the Quartz version in use: regenerate it (database/README.md).");
    }

    [PostgresFact]
    public async Task ShouldCreateEveryQuartzTableOnceAndAgainWithoutError_WhenTheSchedulerSchemaIsAppliedTwice()
    {
        await using var portal = await PortalServices.StartAsync(DatabaseProvider.Postgres);
        await using var scope = portal.Scope();
        var db = portal.Get<PortalDbContext>(scope);
        await QuartzSchema.ApplyAsync(db, DatabaseProvider.Postgres);
        await QuartzSchema.ApplyAsync(db, DatabaseProvider.Postgres);
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%' ORDER BY 1").ToListAsync();
        tables.ShouldContain("qrtz_triggers");
        tables.ShouldContain("qrtz_fired_triggers");
        tables.ShouldContain("qrtz_scheduler_state");
        tables.ShouldContain("qrtz_locks");
    }

    [Fact]
    public async Task ShouldCopyTheDatabaseFirstAndWarnAboutNothing_WhenAnExistingSqliteDatabaseIsUpgraded()
    {
        using var dir = new TempDirectory();
        var paths = new PortalPaths(dir.Path);
        var logs = new LogCapture();
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDatabase.Configure(options, DatabaseProvider.Sqlite, $"Data Source={paths.SqliteFile};Pooling=False");
        options.UseLoggerFactory(Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs)));
        await using (var db = new PortalDbContext(options.Options))
        {
            // A portal of an earlier release: migrated up to the approvals, with one event in its trail.
            await db.Database.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("20261123224431_Approvals");
            db.Audit("cli:test", "test.event", "thing", "1");
            await db.SaveChangesAsync();
        }
        string latest;
        await using (var db = new PortalDbContext(options.Options))
        {
            latest = db.Database.GetMigrations().Last();
            var applied = await PortalDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, paths, logs.CreateLogger("MlopsPortal.Database"));
            applied.ShouldContain("20261124015806_ProductionLoop");
            applied.Last().ShouldBe(latest);
            (await db.AuditEvents.CountAsync()).ShouldBe(1);
        }
        // Named after the newest migration it was taken before.
        var backup = Directory.GetFiles(Path.Combine(dir.Path, "backups")).ShouldHaveSingleItem();
        backup.ShouldContain($"before-{latest}");
        await using (var copy = PortalDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={backup};Pooling=False"))
            (await copy.Database.GetAppliedMigrationsAsync()).Last().ShouldBe("20261123224431_Approvals");
        logs.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning).ShouldBeEmpty(string.Join("\n", logs.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message)));
        logs.Entries.ShouldContain(e => e.Message.Contains(backup) && e.Message.Contains("outside a transaction"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
