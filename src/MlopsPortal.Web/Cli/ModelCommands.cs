using System.CommandLine;
using System.Text.Json;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Api;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static readonly JsonSerializerOptions DefinitionJson = new(JsonSerializerDefaults.Web);

    private static Command ModelCommand(CliContext context)
    {
        var command = new Command("model", "Define, list and show models in the inventory; register and list their versions.");

        var slug = new Argument<string>("SLUG") { Description = "The model's unique slug: lowercase letters, digits and dashes." };
        var definition = new Option<FileInfo?>("--definition") { Description = "A JSON file with the definition (the shape of POST /api/v1/models); options below override its fields." };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var owners = new Option<string[]>("--owner") { Description = "An owner's user name (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var tier = new Option<string?>("--risk-tier") { Description = "Low, Medium, High or Critical." };
        var task = new Option<string?>("--task") { Description = "binaryClassification or regression." };
        var label = new Option<string?>("--label") { Description = "The label column." };
        var positive = new Option<string?>("--positive-label") { Description = "The label value that counts as positive (classifiers)." };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated." };
        var keys = new Option<string?>("--keys") { Description = "Key columns, comma-separated." };
        var sensitive = new Option<string?>("--sensitive") { Description = "Sensitive attributes, comma-separated." };
        var team = new Option<string?>("--team") { Description = "The owning team." };
        var useCase = new Option<string?>("--use-case") { Description = "What the model decides or predicts." };
        var create = new Command("create", "Define a model (audited as cli:<os-user>).")
            { slug, definition, name, owners, tier, task, label, positive, features, keys, sensitive, team, useCase };
        create.SetAction(async (parse, ct) =>
        {
            var d = new ModelDefinition();
            if (parse.GetValue(definition) is { } file)
            {
                if (!file.Exists)
                    throw new PortalValidationException($"{file.FullName} does not exist.");
                await using var stream = file.OpenRead();
                try
                {
                    d = await JsonSerializer.DeserializeAsync<ModelDefinition>(stream, DefinitionJson, ct)
                        ?? throw new PortalValidationException($"{file.FullName} holds no definition.");
                }
                catch (JsonException e)
                {
                    throw new PortalValidationException($"{file.FullName}: line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {e.Message.Split(" Path:")[0]}");
                }
            }
            static List<string>? Split(string? csv) => csv?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            d = d with
            {
                Slug = parse.GetValue(slug),
                DisplayName = parse.GetValue(name) ?? (d.DisplayName is { Length: > 0 } n ? n : parse.GetValue(slug)!),
                Owners = parse.GetValue(owners) is { Length: > 0 } o ? [.. o] : d.Owners,
                RiskTier = parse.GetValue(tier) ?? d.RiskTier,
                Task = parse.GetValue(task) ?? d.Task,
                LabelColumn = parse.GetValue(label) ?? d.LabelColumn,
                PositiveLabel = parse.GetValue(positive) ?? d.PositiveLabel,
                FeatureColumns = Split(parse.GetValue(features)) ?? d.FeatureColumns,
                KeyColumns = Split(parse.GetValue(keys)) ?? d.KeyColumns,
                SensitiveAttributes = Split(parse.GetValue(sensitive)) ?? d.SensitiveAttributes,
                Team = parse.GetValue(team) ?? d.Team,
                UseCase = parse.GetValue(useCase) ?? d.UseCase,
            };
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var model = await host.Services.GetRequiredService<ModelService>().CreateAsync(Actor.Cli(), d, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(ModelResponse.From(model));
            else await context.Output.WriteLineAsync($"Created model {model.Slug} ({model.Id}): {model.RiskTier} risk, {ModelService.TaskName(model.Task)}, owners {string.Join(", ", model.Owners)}.");
            return Ok;
        });
        command.Subcommands.Add(create);

        var search = new Option<string?>("--search") { Description = "Only models whose slug or name contains this." };
        var riskTier = new Option<string?>("--risk-tier") { Description = "Only models of this risk tier." };
        var skip = new Option<int>("--skip") { Description = "Skip this many (paging).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = "List at most this many (1–1000).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Models by slug.") { search, riskTier, skip, take };
        list.SetAction(async (parse, ct) =>
        {
            RiskTier? filter = parse.GetValue(riskTier) is not { } t ? null
                : Enum.TryParse<RiskTier>(t, true, out var parsed) ? parsed
                : throw new PortalValidationException($"'{t}' is not a risk tier: use Low, Medium, High or Critical.");
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var (items, total) = await host.Services.GetRequiredService<ModelService>()
                .PageAsync(parse.GetValue(search), filter, parse.GetValue(skip), parse.GetValue(take), ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(new Page<ModelRow>(total, items));
            else
            {
                foreach (var m in items)
                    await context.Output.WriteLineAsync($"{m.Slug,-32} {m.RiskTier,-9} {ModelService.TaskName(m.Task),-21} {m.Team,-16} {m.DisplayName}");
                await context.Output.WriteLineAsync($"{items.Count} of {total} model(s).");
            }
            return Ok;
        });
        command.Subcommands.Add(list);

        var showSlug = new Argument<string>("SLUG") { Description = "The model's slug." };
        var show = new Command("show", "A model's whole definition.") { showSlug };
        show.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var model = await host.Services.GetRequiredService<ModelService>().GetAsync(parse.GetValue(showSlug)!, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(ModelResponse.From(model));
            else
            {
                var o = context.Output;
                await o.WriteLineAsync($"{model.DisplayName} ({model.Slug}, {model.Id})");
                await o.WriteLineAsync($"  risk tier        {model.RiskTier}");
                await o.WriteLineAsync($"  task             {ModelService.TaskName(model.Task)}; label {model.LabelColumn}{(model.PositiveLabel is null ? "" : $" (positive: {model.PositiveLabel}, threshold {model.DecisionThreshold})")}; primary metric {model.PrimaryMetric}");
                await o.WriteLineAsync($"  owners           {string.Join(", ", model.Owners)}{(model.Team.Length > 0 ? $" (team {model.Team})" : "")}");
                await o.WriteLineAsync($"  keys             {string.Join(", ", model.KeyColumns)}");
                await o.WriteLineAsync($"  features         {string.Join(", ", model.FeatureColumns)}");
                await o.WriteLineAsync($"  sensitive        {string.Join(", ", model.SensitiveAttributes)}");
                foreach (var c in model.AcceptanceCriteria)
                    await o.WriteLineAsync($"  criterion        {c.Metric} {c.Comparator} {c.Threshold} (owned by {c.OwningRole})");
                await o.WriteLineAsync($"  data contract    {model.DataContract.Count} column(s)");
                await o.WriteLineAsync($"  updated          {model.UpdatedAt:u} by {model.UpdatedBy}");
            }
            return Ok;
        });
        command.Subcommands.Add(show);

        var registerSlug = new Argument<string>("SLUG") { Description = "The model the version belongs to." };
        var modelFile = new Option<FileInfo>("--file") { Description = "The model file: ONNX (.onnx), an ML.NET model (.zip) or XGBoost's JSON model (Booster.save_model to a .json file).", Required = true };
        var registerFeatures = new Option<string?>("--features") { Description = "The features the model reads, in order, comma-separated (optional when the file names its inputs)." };
        var trainedOn = new Option<Guid?>("--training-dataset") { Description = "The dataset version it was trained on, when it is in the portal (lineage)." };
        var source = new Option<string?>("--source") { Description = "Where it was trained: a repository, notebook or pipeline run." };
        var registerCode = new Option<string?>("--code-version") { Description = "The version of the code that trained it." };
        var register = new Command("register", "Register a model trained elsewhere as a new version (marked externally trained).")
            { registerSlug, modelFile, registerFeatures, trainedOn, source, registerCode };
        register.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(modelFile)!;
            if (!file.Exists)
                throw new PortalValidationException($"{file.FullName} does not exist.");
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var training = host.Services.GetRequiredService<Core.Training.TrainingService>();
            var (version, created) = await training.RegisterExternalAsync(Actor.Cli(), new Core.Training.ExternalVersionRequest(
                parse.GetValue(registerSlug)!, await File.ReadAllBytesAsync(file.FullName, ct),
                [.. (parse.GetValue(registerFeatures) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                parse.GetValue(trainedOn), parse.GetValue(source), parse.GetValue(registerCode)), ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(VersionResponse.From(await training.GetVersionAsync(version.Id, ct)));
            else await context.Output.WriteLineAsync(created
                ? $"Registered version {version.Number} of {parse.GetValue(registerSlug)} ({version.Id}), externally trained: package sha256 {version.PackageSha256}."
                : $"{parse.GetValue(registerSlug)} already has this package as version {version.Number} ({version.Id}); nothing new was stored.");
            return Ok;
        });
        command.Subcommands.Add(register);

        var versionsSlug = new Argument<string>("SLUG") { Description = "The model's slug." };
        var versions = new Command("versions", "A model's versions, newest first.") { versionsSlug };
        versions.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var list = await host.Services.GetRequiredService<Core.Training.TrainingService>().VersionsAsync(parse.GetValue(versionsSlug)!, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(list.Select(VersionResponse.From).ToList());
            else
            {
                foreach (var v in list.Select(x => x.Version))
                    await context.Output.WriteLineAsync($"v{v.Number,-4} {v.Id} {v.Stage,-10} {v.PackageSha256[..12]}  {(v.ExternallyTrained ? "external" : "trained "),-9} {v.CreatedAt:u} by {v.TrainedBy}");
                await context.Output.WriteLineAsync($"{list.Count} version(s).");
            }
            return Ok;
        });
        command.Subcommands.Add(versions);
        return command;
    }
}
