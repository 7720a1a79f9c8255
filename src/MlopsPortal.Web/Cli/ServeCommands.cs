using System.CommandLine;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command ServeCommand(CliContext context)
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://localhost:5080)." };
        var environment = new Option<string?>("--environment") { Description = "Host environment (Production, Development)." };
        var demo = new Option<bool>("--demo")
        {
            Description = "On an empty database, build the demo workspace with the portal's own jobs once it is up (prints what it did and how long it took; does nothing when it exists).",
        };
        var command = new Command("serve", "Run the portal (the default when no command is given).") { urls, environment, demo };
        command.SetAction((parse, ct) => RunServeAsync(context, parse, parse.GetValue(urls), parse.GetValue(environment), parse.GetValue(demo), ct));
        return command;
    }

    private static async Task<int> RunServeAsync(CliContext context, ParseResult parse, string? urls, string? environment, bool demo, CancellationToken ct)
    {
        var extra = new List<string>();
        if (urls is not null) extra.Add($"--urls={urls}");
        var settings = context.HostSettings(parse.GetValue(DataDir)!, extra) with { EnvironmentName = environment };
        WebApplicationBuilder builder;
        try
        {
            builder = PortalHost.CreateBuilder(settings);
        }
        catch (GpuSelfTestFailedException e)
        {
            await context.FailAsync(parse.GetValue(Json), e.Message, 422, "GPU self-test failed");
            return CheckFailed;
        }
        var app = PortalHost.Build(builder);
        var seeded = await PortalHost.PrepareAsync(app, context.Output);
        await app.StartAsync(ct);
        if (demo)
        {
            try
            {
                await DemoStartup.BuildAsync(app.Services, seeded, context.Output, ct);
            }
            catch (Exception e) when (e is PortalValidationException or InvalidOperationException or TimeoutException)
            {
                // The portal stays up: what the build did is in the audit trail and on the jobs page.
                await context.Error.WriteLineAsync($"The demo workspace was not built: {e.Message}");
            }
        }
        await app.WaitForShutdownAsync(ct);
        return Ok;
    }

    private static Command MigrateCommand(CliContext context)
    {
        var script = new Option<bool>("--script") { Description = "Write the idempotent SQL script instead of applying migrations (no database needed)." };
        var provider = new Option<DatabaseProvider?>("--provider") { Description = "With --script: Sqlite, Postgres or SqlServer (default: the configured one)." };
        var schedulerScript = new Option<bool>("--scheduler-script") { Description = "Write Quartz's job store schema (the DDL it provisions itself, ADR-008) instead." };
        var outputFile = new Option<string?>("--output") { Description = "With --script or --scheduler-script: the file to write (default: standard output)." };
        var command = new Command("migrate", "Apply the database migrations and the scheduler's schema to the configured database, or write them as idempotent SQL scripts.")
        {
            script, schedulerScript, provider, outputFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, prepareDatabase: false);
            var options = host.Database();
            if (parse.GetValue(script) || parse.GetValue(schedulerScript))
            {
                var p = parse.GetValue(provider) ?? options.Provider;
                await using var offline = PortalDatabase.CreateContext(p, PortalDatabase.OfflineConnectionString(p));
                var sql = parse.GetValue(schedulerScript)
                    ? QuartzSchema.ScriptForDatabaseFolder(p)
                    : PortalDatabase.GenerateIdempotentScript(offline);
                if (parse.GetValue(outputFile) is { } file)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                    await File.WriteAllTextAsync(file, sql, ct);
                    if (json) await context.WriteJsonAsync(new { provider = p.ToString(), output = Path.GetFullPath(file) });
                    else await context.Output.WriteLineAsync($"Wrote the {p} script to {file}.");
                }
                else
                {
                    await context.Output.WriteAsync(sql);
                }
                return Ok;
            }
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            if (options.Provider == DatabaseProvider.Sqlite)
                Directory.CreateDirectory(host.Services.GetRequiredService<PortalPaths>().DataDirectory);
            var pending = await PortalDatabase.MigrateAsync(db, options.Provider, host.Services.GetRequiredService<PortalPaths>(),
                host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MlopsPortal.Database"), ct);
            await QuartzSchema.ApplyAsync(db, options.Provider, ct);
            if (json) await context.WriteJsonAsync(new { provider = options.Provider.ToString(), applied = pending });
            else await context.Output.WriteLineAsync(pending.Count == 0
                ? $"The {options.Provider} database is up to date."
                : $"Applied {pending.Count} migration(s) to {options.Provider}: {string.Join(", ", pending)}");
            return Ok;
        });
        return command;
    }
}
