using System.CommandLine;
using System.Globalization;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command DriftCommand(CliContext context)
    {
        var reference = new Option<FileInfo>("--reference") { Description = "The reference CSV (for a model: its training data).", Required = true };
        var current = new Option<FileInfo>("--current") { Description = "The current CSV to compare with it.", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Only these columns, comma-separated (default: every column)." };
        var minRows = new Option<int>("--min-rows") { Description = "Below this many current values a column is \"insufficient\" instead of judged.", DefaultValueFactory = _ => 100 };
        var failOnDrift = new Option<bool>("--fail-on-drift") { Description = "Exit with 3 when the dataset drifts." };
        var command = new Command("drift", "Offline: per-column drift of a current CSV against a reference CSV with Evidently's default tests (contracts §5).")
            { reference, current, columns, minRows, failOnDrift };
        command.SetAction(async (parse, ct) =>
        {
            var referenceFile = Existing(parse.GetValue(reference)!);
            var currentFile = Existing(parse.GetValue(current)!);
            if (parse.GetValue(minRows) < 1)
                throw new PortalValidationException("--min-rows is at least 1.");
            var names = parse.GetValue(columns)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var input = Offline(referenceFile.Name, () => DriftData.Read(referenceFile.OpenRead, currentFile.OpenRead, names));
            var result = DriftAnalysis.Compare(input.Reference, input.Current, new DriftOptions { MinCurrentRows = parse.GetValue(minRows) }, input.Skipped, ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(DriftJson.From(result, input));
            else
                await WriteDriftTextAsync(context.Output, result, input);
            return parse.GetValue(failOnDrift) && result.DatasetDrift == true ? CheckFailed : Ok;
        });
        return command;
    }

    private static async Task WriteDriftTextAsync(TextWriter o, DriftResult result, DriftInput input)
    {
        static string F(double? v) => v is not { } x ? "—" : double.IsPositiveInfinity(x) ? "inf" : x.ToString(Math.Abs(x) is > 0 and < 0.001 ? "0.00e+0" : "0.0000", CultureInfo.InvariantCulture);
        await o.WriteLineAsync(result.DatasetDrift switch
        {
            true => $"Dataset drift: {result.DriftedShare:P0} of the judged columns drifted (threshold {result.DriftedShareThreshold:P0}).",
            false => $"No dataset drift: {result.DriftedShare:P0} of the judged columns drifted (threshold {result.DriftedShareThreshold:P0}).",
            null => "No verdict: no column had enough current values.",
        });
        await o.WriteLineAsync($"{"column",-24} {"type",-11} {"test",-17} {"score",10} {"threshold",9}  verdict");
        foreach (var c in result.Columns)
            await o.WriteLineAsync($"{c.Column,-24} {c.Type,-11} {c.Test,-17} {F(c.Score),10} {F(c.Threshold),9}  {c.Verdict}{(c.Verdict == "insufficient" ? $" ({c.RowsCurrent} current values)" : "")}");
        foreach (var s in result.Skipped) await o.WriteLineAsync($"{s,-24} skipped (dates and text are not compared)");
        foreach (var m in input.MissingInCurrent) await o.WriteLineAsync($"{m,-24} missing from the current data (schema violation)");
        foreach (var (column, count) in input.TypeViolations) await o.WriteLineAsync($"{column,-24} {count:N0} current value(s) are not numbers (schema violation)");
    }
}
