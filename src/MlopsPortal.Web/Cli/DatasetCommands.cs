using System.CommandLine;
using System.Text.Json;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command DatasetCommand(CliContext context)
    {
        var command = new Command("dataset", "Add, list and show datasets (immutable, content-addressed versions).");

        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file (UTF-8)." };
        var name = new Option<string>("--name") { Description = "The dataset's name: lowercase letters, digits, dots, dashes, underscores.", Required = true };
        var add = new Command("add", "Store a CSV as a new version of the named dataset (the same bytes again return the existing version).") { file, name };
        add.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                throw new PortalValidationException($"{path.FullName} does not exist.");
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var stream = path.OpenRead();
            var (version, created) = await host.Services.GetRequiredService<DatasetService>()
                .AddAsync(Actor.Cli(), stream, parse.GetValue(name)!, path.Name, ct);
            var warnings = JsonSerializer.Deserialize<string[]>(version.Warnings)!;
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(new
                {
                    id = version.Id, dataset = parse.GetValue(name), version = version.Version, created, sha256 = version.Sha256,
                    rows = version.RowCount, columns = version.ColumnCount, sizeBytes = version.SizeBytes, warnings,
                });
            else
            {
                await context.Output.WriteLineAsync(created
                    ? $"Added {parse.GetValue(name)} version {version.Version} ({version.Id}): {version.RowCount:N0} rows, {version.ColumnCount} columns, sha256 {version.Sha256}."
                    : $"{parse.GetValue(name)} already has these bytes as version {version.Version} ({version.Id}); nothing new was stored.");
                foreach (var w in warnings)
                    await context.Output.WriteLineAsync($"warning: {w}");
            }
            return Ok;
        });
        command.Subcommands.Add(add);

        var search = new Option<string?>("--search") { Description = "Only datasets whose name contains this." };
        var skip = new Option<int>("--skip") { Description = "Skip this many (paging).", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = "List at most this many (1–1000).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Datasets with their latest version, by name.") { search, skip, take };
        list.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var (items, total) = await host.Services.GetRequiredService<DatasetService>()
                .PageAsync(parse.GetValue(search), parse.GetValue(skip), parse.GetValue(take), ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(new
                {
                    total,
                    items = items.Select(x => new
                    {
                        name = x.Name, description = x.Description, versions = x.Versions,
                        latest = new { id = x.LatestVersionId, version = x.LatestVersion, rows = x.Rows, columns = x.Columns, sizeBytes = x.SizeBytes },
                        updatedAt = x.UpdatedAt,
                    }),
                });
            else
            {
                foreach (var x in items)
                    await context.Output.WriteLineAsync($"{x.Name,-30} v{x.LatestVersion,-4} {x.Rows,12:N0} rows {x.Columns,5} cols  {x.LatestVersionId}");
                await context.Output.WriteLineAsync($"{items.Count} of {total} dataset(s).");
            }
            return Ok;
        });
        command.Subcommands.Add(list);

        var id = new Argument<Guid>("VERSION-ID") { Description = "The dataset version's id (from add or list)." };
        var show = new Command("show", "A dataset version's schema, profile and warnings.") { id };
        show.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var (dataset, version) = await host.Services.GetRequiredService<DatasetService>().GetVersionAsync(parse.GetValue(id), ct);
            var doc = new
            {
                id = version.Id, dataset = dataset.Name, version = version.Version, sha256 = version.Sha256, sizeBytes = version.SizeBytes,
                rows = version.RowCount, columns = version.ColumnCount, addedBy = version.AddedBy, addedAt = version.AddedAt,
                schema = JsonDocument.Parse(version.Schema).RootElement, profile = JsonDocument.Parse(version.Profile).RootElement,
                warnings = JsonDocument.Parse(version.Warnings).RootElement,
            };
            if (parse.GetValue(Json)) await context.WriteJsonAsync(doc);
            else
            {
                await context.Output.WriteLineAsync($"{dataset.Name} v{version.Version} ({version.Id}): {version.RowCount:N0} rows, {version.ColumnCount} columns, sha256 {version.Sha256}");
                foreach (var c in doc.schema.EnumerateArray())
                    await context.Output.WriteLineAsync($"  {c.GetProperty("name").GetString(),-30} {c.GetProperty("type").GetString(),-12} {(c.GetProperty("nullable").GetBoolean() ? "nullable" : "")}");
            }
            return Ok;
        });
        command.Subcommands.Add(show);
        return command;
    }
}
