using System.CommandLine;
using MlopsPortal.Core;
using MlopsPortal.Core.Demo;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    /// <summary>
    /// `demo`: the demo users (when the database has none) and the demo workspace, built by this process acting as a
    /// node that runs jobs. `serve --demo` does the same inside a running portal.
    /// </summary>
    private static Command DemoCommand(CliContext context)
    {
        var command = new Command("demo",
            "Build the demo workspace into an empty portal with the portal's own jobs (creates the demo users first when there are none; " +
            "does nothing when the workspace exists). Do not run it beside a portal on the same SQLite file: use `serve --demo` there.");
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            var settings = context.HostSettings(parse.GetValue(DataDir)!) with
            {
                Overrides = new Dictionary<string, string?>
                {
                    [$"{DemoOptions.Section}:{nameof(DemoOptions.SeedUsers)}"] = "true",
                    // The steps it prints are the story; the scheduler's start-up lines are not.
                    ["Logging:LogLevel:Default"] = "Warning",
                },
            };
            var builder = WorkerHost.CreateBuilder(settings);
            // Log lines go to standard error, so that standard output holds only the steps (or the JSON).
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            using var host = builder.Build();
            await host.Services.PrepareDatabaseAsync(ct);
            IReadOnlyList<DemoCredential> seeded;
            await using (var scope = host.Services.CreateAsyncScope())
                seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(ct);
            var console = json ? TextWriter.Null : context.Output;
            foreach (var c in seeded)
                await console.WriteLineAsync($"Demo user {c.UserName} ({c.Role}): password {c.Password}");
            await host.StartAsync(ct);
            try
            {
                var result = await DemoStartup.BuildAsync(host.Services, seeded, console, ct);
                if (json)
                    await context.WriteJsonAsync(new
                    {
                        built = result.Built, message = result.Message, seconds = Math.Round(result.Took.TotalSeconds, 1),
                        steps = result.Steps.Select(s => new { name = s.Name, detail = s.Detail, seconds = Math.Round(s.Took.TotalSeconds, 1) }),
                        users = seeded.Select(c => new { userName = c.UserName, role = c.Role, password = c.Password }),
                    });
                return Ok;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        });
        return command;
    }
}
