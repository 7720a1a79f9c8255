using System.CommandLine;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Web.Api;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command RunCommand(CliContext context)
    {
        var command = new Command("run", "Start and follow training runs (jobs: a running portal or worker node trains).");

        var model = new Option<string>("--model") { Description = "The model's slug.", Required = true };
        var dataset = new Option<Guid>("--dataset") { Description = "The dataset version id to train on.", Required = true };
        var engine = new Option<string?>("--engine") { Description = "xgboost (default for a first run), mlnet-fasttree, mlnet-lightgbm or mlnet-logistic." };
        var parameters = new Option<string[]>("--param") { Description = "A parameter of the engine as key=value (repeat); for xgboost num_boost_round sets the rounds (default 100)." };
        var seed = new Option<int?>("--seed") { Description = $"The seed (default {TrainingService.DefaultSeed})." };
        var codeVersion = new Option<string?>("--code-version") { Description = "The version of the code behind this run (a commit id, a tag)." };
        var reason = new Option<string?>("--reason") { Description = "Why this run (kept with the run and in the audit trail)." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the run ends, printing its progress; exit 1 when it fails." };
        var start = new Command("start", "Queue a training run of a model on a dataset version (audited as cli:<os-user>).")
            { model, dataset, engine, parameters, seed, codeVersion, reason, wait };
        start.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var training = host.Services.GetRequiredService<TrainingService>();
            var job = await training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(parse.GetValue(model)!, parse.GetValue(dataset),
                ParseParameters(parse.GetValue(parameters)), parse.GetValue(seed), parse.GetValue(codeVersion), parse.GetValue(reason)) { Engine = parse.GetValue(engine) }, ct: ct);
            var json = parse.GetValue(Json);
            if (!json)
                await context.Output.WriteLineAsync($"Queued training run {job.Id} of {parse.GetValue(model)}. Follow it on /runs/{job.Id} or with `run show {job.Id}`.");
            if (!parse.GetValue(wait))
            {
                if (json) await context.WriteJsonAsync(RunResponse.From(await training.GetRunAsync(job.Id, ct: ct)));
                return Ok;
            }
            var view = await FollowAsync(context, training, job.Id, quiet: json, ct);
            if (json) await context.WriteJsonAsync(RunResponse.From(view));
            return view.Job.Status == JobRunStatus.Succeeded ? Ok : BadInput;
        });
        command.Subcommands.Add(start);

        var id = new Argument<Guid>("RUN-ID") { Description = "The run's id (its job's id)." };
        var show = new Command("show", "A training run: status, what it recorded, its last rounds and its version.") { id };
        show.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var view = await host.Services.GetRequiredService<TrainingService>().GetRunAsync(parse.GetValue(id), ct: ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(RunResponse.From(view));
            else await WriteRunAsync(context, view);
            return Ok;
        });
        command.Subcommands.Add(show);
        return command;
    }

    /// <summary>Polls the run once a second and prints each new round, until the run ends.</summary>
    private static async Task<TrainingRunView> FollowAsync(CliContext context, TrainingService training, Guid runId, bool quiet, CancellationToken ct)
    {
        var lastRound = 0;
        int? attempt = null;
        var waitingSaid = false;
        while (true)
        {
            var view = await training.GetRunAsync(runId, lastRound, ct);
            if (attempt is not null && view.Job.Attempts != attempt)
            {
                // Restarted on another node: its rounds start over.
                if (!quiet) await context.Output.WriteLineAsync($"Restarted (attempt {view.Job.Attempts}); rounds start over.");
                lastRound = 0;
                view = await training.GetRunAsync(runId, 0, ct);
            }
            attempt = view.Job.Attempts;
            foreach (var r in view.Rounds)
            {
                if (!quiet && (r.Round == 1 || r.Round % 10 == 0))
                    await context.Output.WriteLineAsync($"round {r.Round}: train {r.Metric} {r.Train:0.#####}, validation {r.Validation:0.#####}");
                lastRound = r.Round;
            }
            if (!view.Job.IsActive)
            {
                if (!quiet) await WriteRunAsync(context, await training.GetRunAsync(runId, lastRound, ct));
                return await training.GetRunAsync(runId, 0, ct);
            }
            if (!quiet && !waitingSaid && view.Job.Status == JobRunStatus.Queued)
            {
                await context.Output.WriteLineAsync("Waiting for a node to take it (the portal or a worker must be running).");
                waitingSaid = true;
            }
            await Task.Delay(1000, ct);
        }
    }

    private static async Task WriteRunAsync(CliContext context, TrainingRunView view)
    {
        var o = context.Output;
        var job = view.Job;
        await o.WriteLineAsync($"Training run {job.Id} of {view.ModelSlug}: {job.Status.ToString().ToLowerInvariant()}{(job.ProgressText is null ? "" : $" ({job.ProgressText})")}");
        if (view.Training is { } t)
        {
            await o.WriteLineAsync($"  data             dataset version {t.DatasetVersionId}, sha256 {t.DataSha256}");
            await o.WriteLineAsync($"  seed, parameters {t.Seed}; {(t.Parameters.Count == 0 ? "defaults" : string.Join(", ", t.Parameters.Select(p => $"{p.Key}={p.Value}")))}");
            await o.WriteLineAsync($"  trigger          {t.Trigger} by {t.RequestedBy}{(t.Reason is null ? "" : $": {t.Reason}")}");
            await o.WriteLineAsync($"  node, engine     {t.NodeId}, {t.Engine} {t.EngineVersion}{(t.CodeVersion is null ? "" : $", code {t.CodeVersion}")}");
            if (t.BoostSeconds is { } boost)
                await o.WriteLineAsync((t.PrepareSeconds is { } prepare ? $"  timings          {prepare:0.00} s reading and encoding, {boost:0.00} s boosting" : $"  timings          {boost:0.00} s reading, encoding and training")
                                       + $"; {t.TrainRows:N0} training and {t.ValidationRows:N0} validation rows");
            if (t.ModelVersionId is { } v)
                await o.WriteLineAsync($"  version          {v}");
        }
        if (job.Summary is not null) await o.WriteLineAsync($"  summary          {job.Summary}");
        if (job.Error is not null) await o.WriteLineAsync($"  error            {job.Error}");
    }

    private static Dictionary<string, string> ParseParameters(string[]? values)
    {
        var result = new Dictionary<string, string>();
        foreach (var p in values ?? [])
        {
            var eq = p.IndexOf('=');
            if (eq <= 0)
                throw new PortalValidationException($"--param '{p}' is not key=value.");
            result[p[..eq].Trim()] = p[(eq + 1)..].Trim();
        }
        return result;
    }
}
