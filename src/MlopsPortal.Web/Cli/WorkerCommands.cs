using System.CommandLine;
using Microsoft.Extensions.Options;
using MlopsPortal.Core;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command WorkerCommand(CliContext context)
    {
        var capabilities = new Option<string>("--capabilities")
        {
            Description = "What this node offers: cpu, or cpu,gpu (gpu only if the GPU self-test passes; otherwise exit 3).",
            DefaultValueFactory = _ => WorkerCapabilities.Cpu,
        };
        var concurrency = new Option<int?>("--max-concurrency") { Description = "Jobs run at once (default: the processor count, at least 2)." };
        var environment = new Option<string?>("--environment") { Description = "Host environment (Production, Development)." };
        var check = new Option<bool>("--check") { Description = "Only run the GPU self-test and exit: 0 passed, 3 failed. Needs no database." };
        var command = new Command("worker", "Run a worker node: joins the Quartz cluster on the shared PostgreSQL or SQL Server database and runs jobs until stopped (SIGTERM waits for running jobs).")
        {
            capabilities, concurrency, environment, check,
        };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            if (parse.GetValue(check))
            {
                var result = new CudaDriverSelfTest().Run();
                if (json) await context.WriteJsonAsync(new { passed = result.Passed, device = result.DeviceName, message = result.Message });
                else await context.Output.WriteLineAsync($"GPU self-test {(result.Passed ? "passed" : "failed")}: {result.Message}");
                return result.Passed ? Ok : CheckFailed;
            }
            var overrides = new Dictionary<string, string?>
            {
                [$"{SchedulingOptions.Section}:{nameof(SchedulingOptions.Capabilities)}"] = parse.GetValue(capabilities),
            };
            if (parse.GetValue(concurrency) is { } n)
                overrides[$"{SchedulingOptions.Section}:{nameof(SchedulingOptions.MaxConcurrency)}"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var settings = context.HostSettings(parse.GetValue(DataDir)!) with
            {
                EnvironmentName = parse.GetValue(environment), Overrides = overrides,
            };
            HostApplicationBuilder builder;
            try
            {
                builder = WorkerHost.CreateBuilder(settings);
            }
            catch (GpuSelfTestFailedException e)
            {
                await context.FailAsync(json, e.Message, 422, "GPU self-test failed");
                return CheckFailed;
            }
            using var host = builder.Build();
            var database = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                await context.FailAsync(json,
                    "Workers join a cluster on PostgreSQL or SQL Server (--Database:Provider=Postgres with ConnectionStrings:Portal). " +
                    "On SQLite the portal itself runs every job: start `serve` instead.", 400);
                return BadInput;
            }
            await host.Services.PrepareDatabaseAsync(ct);
            await host.StartAsync(ct);
            var node = host.Services.GetRequiredService<SchedulerNode>();
            if (json) await context.WriteJsonAsync(new { node = node.Id, capabilities = node.Capabilities, gpu = node.GpuName });
            else await context.Output.WriteLineAsync($"Worker {node.Id} ({string.Join(",", node.Capabilities)}{(node.GpuName is null ? "" : $", {node.GpuName}")}) is running. Stop it with Ctrl+C.");
            await host.WaitForShutdownAsync(ct);
            return Ok;
        });
        return command;
    }
}
