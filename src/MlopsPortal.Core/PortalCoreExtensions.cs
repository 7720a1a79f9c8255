using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Dashboards;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Training;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core;

public static class PortalCoreExtensions
{
    /// <summary>Database, identity and the feature services: everything both the portal and the command line use.</summary>
    public static IHostApplicationBuilder AddPortalCore(this IHostApplicationBuilder builder, PortalPaths paths)
    {
        var services = builder.Services;
        services.AddSingleton(paths);
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.ConnectionString ??= config.GetConnectionString("Portal"));
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);

        void ConfigureDb(IServiceProvider sp, DbContextOptionsBuilder options)
        {
            var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            PortalDatabase.Configure(options, db.Provider, PortalDatabase.ResolveConnectionString(db, paths));
        }
        // A scoped context for Identity's stores and request-scoped services, and a factory for Blazor
        // components and jobs, which need a short-lived context per operation.
        services.AddDbContext<PortalDbContext>(ConfigureDb, optionsLifetime: ServiceLifetime.Singleton);
        services.AddDbContextFactory<PortalDbContext>(ConfigureDb);

        // One key ring in the database: several portal processes behind a proxy share cookies and tokens. The keys are
        // encrypted at rest with a certificate (configured, or on SQLite the portal's own): ADR-017.
        services.AddDataProtection()
            .SetApplicationName("MlopsPortal")
            .PersistKeysToDbContext<PortalDbContext>()
            .ProtectKeysAtRest(builder.Configuration, paths);

        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Password.RequiredUniqueChars = 6;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders()
            // Replaces Identity's authenticator provider: each code is accepted once.
            .AddTokenProvider<PortalAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        // Each feature registers its own services and job kinds, lowest first (docs/architecture.md, "Features in one order").
        services
            .AddUsersFeature()
            .AddAuditTrailFeature()
            .AddApiTokensFeature()
            .AddNotificationsFeature()
            .AddArtifactsFeature()
            .AddSchedulingFeature()
            .AddDatasetsFeature()
            .AddModelRegistryFeature()
            .AddStageChangesFeature()
            .AddTrainingFeature()
            .AddFairnessFeature()
            .AddDriftFeature()
            .AddApprovalsFeature()
            .AddMonitoringFeature()
            .AddLineageFeature()
            .AddReportsFeature()
            .AddAuditReadingFeature()
            .AddUserAdminFeature()
            .AddHousekeepingFeature()
            .AddDashboardsFeature()
            .AddDemoFeature();
        return builder;
    }

    /// <summary>
    /// Applies migrations where configured (SQLite by default) and fails loudly if the schema is
    /// behind: a portal must never run on a database it does not understand.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var paths = scope.ServiceProvider.GetRequiredService<PortalPaths>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("MlopsPortal.Database");
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (options.Provider == DatabaseProvider.Sqlite)
            Directory.CreateDirectory(paths.DataDirectory);

        var migrate = options.MigrateOnStart ?? options.Provider == DatabaseProvider.Sqlite;
        if (migrate)
        {
            await PortalDatabase.MigrateAsync(db, options.Provider, paths, logger, ct);
            if (options.Provider == DatabaseProvider.Sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        else
        {
            var (_, pending) = await PortalDatabase.MigrationStateAsync(db, ct);
            if (pending.Count > 0)
                throw new InvalidOperationException(
                    $"The {options.Provider} database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}): run `MlopsPortal.Web migrate` first.");
        }
    }
}
