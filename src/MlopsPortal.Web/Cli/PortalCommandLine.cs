using System.CommandLine;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Web.Cli;

/// <summary>
/// The command line (contracts §1): `serve` (the default), `worker`, `migrate`, `user`, `token`, `audit`.
/// Exit codes: 0 success, 1 bad input, 2 usage error, 3 a check failed.
/// </summary>
public static partial class PortalCommandLine
{
    public const int Ok = 0, BadInput = 1, UsageError = 2, CheckFailed = 3;

    internal static readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "Folder for the SQLite database and artifacts (default ./data).",
        DefaultValueFactory = _ => "./data",
        Recursive = true,
    };

    internal static readonly Option<bool> Json = new("--json")
    {
        Description = "Write results as JSON (errors go to stderr as RFC 7807 problem details).",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        // "--Section:Key=value" configuration overrides pass through to the host, as ASP.NET Core reads them.
        var (commandArgs, configArgs) = SplitConfigurationOverrides(args);
        var context = new CliContext(output, error, configArgs);
        var root = BuildRootCommand(context);
        var parse = root.Parse(commandArgs);
        if (parse.Errors.Count > 0)
        {
            var message = string.Join(" ", parse.Errors.Select(e => e.Message)) + " Run with --help for usage.";
            await context.FailAsync(commandArgs.Contains("--json"), message, 400, "Usage error");
            return UsageError;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is PortalValidationException or PortalNotFoundException or PortalForbiddenException)
        {
            await context.FailAsync(parse.GetValue(Json), e.Message, e is PortalForbiddenException ? 403 : 400);
            return BadInput;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException or IOException
                                   or UnauthorizedAccessException or FormatException)
        {
            // Configuration and environment problems (no connection string, unreachable database,
            // unwritable data dir): a clear message and exit 1, not a stack trace.
            var detail = e is System.Data.Common.DbException ? $"The database is not reachable: {e.Message}" : e.Message;
            await context.FailAsync(parse.GetValue(Json), detail, 500, "Command failed");
            return BadInput;
        }
    }

    internal static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand("MLOps Governance Portal: the web portal and its command line. With no command, runs the portal (serve).");
        root.Options.Add(DataDir);
        root.Options.Add(Json);
        var serve = ServeCommand(context);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(WorkerCommand(context));
        root.Subcommands.Add(MigrateCommand(context));
        root.Subcommands.Add(UserCommand(context));
        root.Subcommands.Add(TokenCommand(context));
        root.Subcommands.Add(AuditCommand(context));
        root.Subcommands.Add(DatasetCommand(context));
        root.Subcommands.Add(ModelCommand(context));
        root.Subcommands.Add(RunCommand(context));
        root.Subcommands.Add(TrainCommand(context));
        root.Subcommands.Add(ScoreCommand(context));
        root.Subcommands.Add(FairnessCommand(context));
        root.Subcommands.Add(DriftCommand(context));
        root.Subcommands.Add(ReportCommand(context));
        root.Subcommands.Add(OutcomesCommand(context));
        root.Subcommands.Add(DemoCommand(context));
        root.SetAction((parse, ct) => RunServeAsync(context, parse, null, null, false, ct));
        return root;
    }

    internal static (string[] CommandArgs, string[] ConfigArgs) SplitConfigurationOverrides(string[] args)
    {
        var command = new List<string>();
        var config = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var name = a.StartsWith("--", StringComparison.Ordinal) ? a[2..].Split('=')[0] : "";
            if (name.Contains(':'))
            {
                config.Add(a);
                if (!a.Contains('=') && i + 1 < args.Length)
                    config.Add(args[++i]);
            }
            else
            {
                command.Add(a);
            }
        }
        return (command.ToArray(), config.ToArray());
    }

    internal static string[] ParseRoles(IEnumerable<string>? roles)
    {
        var result = new List<string>();
        foreach (var r in (roles ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var match = Roles.All.FirstOrDefault(k => string.Equals(k, r, StringComparison.OrdinalIgnoreCase))
                        ?? throw new PortalValidationException($"Unknown role '{r}'. Roles: {string.Join(", ", Roles.All)}.");
            result.Add(match);
        }
        return [.. result];
    }
}

/// <summary>What every command shares: the writers and the configuration overrides.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, string[] configArgs)
{
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public string[] ConfigArgs { get; } = configArgs;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Scripts read this output: "<=50K" stays readable instead of "\u003C=50K" (still valid JSON).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // A chi-square statistic is infinite when a category is new in the current data: written "Infinity".
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public Task WriteJsonAsync(object value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, JsonOptions));

    public async Task FailAsync(bool json, string message, int status = 400, string? title = null)
    {
        if (json)
            await Error.WriteLineAsync(JsonSerializer.Serialize(new
            {
                type = "about:blank", title = title ?? (status == 403 ? "Forbidden" : "Invalid input"), status, detail = message,
            }, JsonOptions));
        else
            await Error.WriteLineAsync($"error: {message}");
    }

    public PortalHostSettings HostSettings(string dataDir, IEnumerable<string>? extraArgs = null) => new()
    {
        DataDirectory = dataDir,
        Args = [.. ConfigArgs, .. extraArgs ?? []],
    };
}
