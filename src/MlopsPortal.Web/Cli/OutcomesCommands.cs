using System.CommandLine;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Api;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command OutcomesCommand(CliContext context)
    {
        var command = new Command("outcomes", "Send true labels back for rows scored earlier, matched by the model's key columns.");

        var file = new Argument<FileInfo>("FILE") { Description = "A CSV with the model's key columns and its label column." };
        var model = new Option<string>("--model") { Description = "The model's slug.", Required = true };
        var add = new Command("add", "Upload outcomes: unknown and duplicate keys are counted and listed, never dropped in silence.") { file, model };
        add.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                throw new PortalValidationException($"{path.FullName} does not exist.");
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            await using var stream = path.OpenRead();
            var slug = parse.GetValue(model)!;
            var upload = await host.Services.GetRequiredService<OutcomeService>().AddAsync(Actor.Cli(), slug, stream, path.Name, ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(OutcomeUploadResponse.Of(upload, slug));
            else
            {
                await context.Output.WriteLineAsync($"{upload.Rows:N0} outcomes for {slug}: {upload.Matched:N0} matched, {upload.Unknown:N0} unknown keys, "
                                                    + $"{upload.Duplicates:N0} duplicates (dataset version {upload.DatasetVersionId}).");
                if (upload.UnknownSample.Count > 0)
                    await context.Output.WriteLineAsync($"unknown keys (first {upload.UnknownSample.Count}): {string.Join(" ", upload.UnknownSample)}");
                if (upload.DuplicateSample.Count > 0)
                    await context.Output.WriteLineAsync($"duplicate keys, the first label stands (first {upload.DuplicateSample.Count}): {string.Join(" ", upload.DuplicateSample)}");
            }
            return Ok;
        });
        command.Subcommands.Add(add);

        var listModel = new Option<string>("--model") { Description = "The model's slug.", Required = true };
        var list = new Command("list", "A model's outcome uploads, newest first.") { listModel };
        list.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            var slug = parse.GetValue(listModel)!;
            var id = (await host.Services.GetRequiredService<ModelService>().GetAsync(slug, ct)).Id;
            var uploads = await host.Services.GetRequiredService<OutcomeService>().ListAsync(id, ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(uploads.Select(u => OutcomeUploadResponse.Of(u, slug)));
            else
                foreach (var u in uploads)
                    await context.Output.WriteLineAsync($"{u.UploadedAt:yyyy-MM-dd HH:mm} {u.Rows,10:N0} rows {u.Matched,10:N0} matched {u.Unknown,8:N0} unknown {u.Duplicates,8:N0} dup  {u.UploadedBy}");
            return Ok;
        });
        command.Subcommands.Add(list);
        return command;
    }
}
