using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command ReportCommand(CliContext context)
    {
        var command = new Command("report", "Signed compliance reports: generate (archived with their SHA-256, audited as cli:<os-user>), list and verify.");

        var version = new Argument<Guid>("VERSION-ID") { Description = "The model version's id." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the signed PDF.", Required = true };
        var model = new Command("model", "Generate a model audit report of a version, archive it and write it to --out.") { version, output };
        model.SetAction(async (parse, ct) =>
            await GenerateAsync(context, parse.GetValue(DataDir)!, new ReportPayload(ReportKinds.ModelAudit, parse.GetValue(version)), parse.GetValue(output)!,
                parse.GetValue(Json), ct));
        command.Subcommands.Add(model);

        var from = new Option<string>("--from") { Description = "First day (UTC, yyyy-MM-dd), included.", Required = true };
        var to = new Option<string>("--to") { Description = "Last day (UTC, yyyy-MM-dd), included.", Required = true };
        var periodOut = new Option<FileInfo>("--out") { Description = "Where to write the signed PDF.", Required = true };
        var period = new Command("period", "Generate a period report (promotions, rejections, rollbacks, overrides, drift alerts, operational metrics).")
            { from, to, periodOut };
        period.SetAction(async (parse, ct) =>
        {
            var start = Day(parse.GetValue(from)!, "--from");
            var end = Day(parse.GetValue(to)!, "--to").AddDays(1);
            if (end <= start) throw new PortalValidationException("--to must not be before --from.");
            if (end - start > ReportService.MaxPeriod) throw new PortalValidationException($"A period report covers at most {ReportService.MaxPeriod.TotalDays:0} days.");
            return await GenerateAsync(context, parse.GetValue(DataDir)!, new ReportPayload(ReportKinds.Period, From: start, To: end), parse.GetValue(periodOut)!,
                parse.GetValue(Json), ct);
        });
        command.Subcommands.Add(period);

        var file = new Argument<FileInfo>("FILE") { Description = "A PDF to check." };
        var verify = new Command("verify", "Whether a PDF is a report this portal issued and unchanged (exit 3 when it is not).") { file };
        verify.SetAction(async (parse, ct) =>
        {
            var pdf = Existing(parse.GetValue(file)!);
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var result = await host.Services.GetRequiredService<ReportService>().VerifyAsync(Actor.Cli(), await File.ReadAllBytesAsync(pdf.FullName, ct), ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(result);
            else await context.Output.WriteLineAsync(result.Message);
            return result.Issued && result.Unchanged ? Ok : CheckFailed;
        });
        command.Subcommands.Add(verify);

        var list = new Command("list", "The report archive, newest first.");
        list.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!, scheduling: true);
            var reports = await host.Services.GetRequiredService<ReportService>().ListAsync(Actor.Cli(), ct: ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(reports);
            else
                foreach (var r in reports)
                    await context.Output.WriteLineAsync($"{r.GeneratedAt:yyyy-MM-dd HH:mm}  {r.Id}  {r.Pages,3} pages  {r.Sha256[..12]}  {r.Title}  ({r.GeneratedBy})");
            return Ok;
        });
        command.Subcommands.Add(list);
        return command;
    }

    private static DateTime Day(string text, string option) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)
            ? DateTime.SpecifyKind(day, DateTimeKind.Utc)
            : throw new PortalValidationException($"{option} '{text}' is not a date (yyyy-MM-dd).");

    /// <summary>The job's two steps, run here: draw, sign and store; then archive with the audit event, and write --out.</summary>
    private static async Task<int> GenerateAsync(CliContext context, string dataDir, ReportPayload payload, FileInfo output, bool json, CancellationToken ct)
    {
        using var host = await CliHost.StartAsync(context, dataDir);
        var actor = Actor.Cli();
        var generator = host.Services.GetRequiredService<ReportGenerator>();
        var drawn = await generator.DrawAsync(Guid.NewGuid(), payload, actor.AuditName, null, ct);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct))
        {
            ReportGenerator.Archive(db, drawn, actor.AuditName);
            await db.SaveChangesAsync(ct);
        }
        var temporary = output.FullName + ".partial";
        try
        {
            await using (var source = host.Services.GetRequiredService<Core.Artifacts.IArtifactStore>().OpenRead(drawn.Blob.Sha256))
            await using (var target = File.Create(temporary))
                await source.CopyToAsync(target, ct);
            File.Move(temporary, output.FullName, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        if (json)
            await context.WriteJsonAsync(new { id = drawn.Id, title = drawn.Title, pages = drawn.Pages, sha256 = drawn.Blob.Sha256, output = output.FullName });
        else
            await context.Output.WriteLineAsync($"{drawn.Title}: {drawn.Pages} pages, signed, report {drawn.Id}, SHA-256 {drawn.Blob.Sha256}, written to {output.FullName}.");
        return Ok;
    }
}
