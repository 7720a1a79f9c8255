using System.CommandLine;
using System.Globalization;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command FairnessCommand(CliContext context)
    {
        var data = new Option<FileInfo>("--data") { Description = "A CSV with a label, a prediction and the sensitive columns.", Required = true };
        var label = new Option<string>("--label") { Description = "The label column (0/1, true/false, or compared with --positive-label).", Required = true };
        var prediction = new Option<string>("--prediction") { Description = "The prediction column (as the label).", Required = true };
        var sensitive = new Option<string>("--sensitive") { Description = "Sensitive columns, comma-separated.", Required = true };
        var intersectional = new Option<bool>("--intersectional") { Description = "Also the cross product of every sensitive column (\"race&sex\")." };
        var positive = new Option<string?>("--positive-label") { Description = "The value that counts as positive, for the label and the prediction." };
        var reference = new Option<string?>("--reference-group") { Description = "Disparate impact against this group's selection rate (default: smallest ÷ largest)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Resamples for 95 % confidence intervals (0: none).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "The seed of the resampling.", DefaultValueFactory = _ => 0 };
        var minGroup = new Option<int>("--min-group-size") { Description = "Groups with fewer rows are flagged and left out of the verdict.", DefaultValueFactory = _ => 30 };
        var command = new Command("fairness", "Offline: group and intersectional fairness metrics of a labelled, predicted CSV (contracts §4).")
            { data, label, prediction, sensitive, intersectional, positive, reference, bootstrap, seed, minGroup };
        command.SetAction(async (parse, ct) =>
        {
            var file = Existing(parse.GetValue(data)!);
            if (parse.GetValue(bootstrap) is < 0 or > 100_000)
                throw new PortalValidationException("--bootstrap is between 0 and 100,000 resamples.");
            var columns = parse.GetValue(sensitive)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length == 0)
                throw new PortalValidationException("--sensitive names at least one column.");
            var report = Offline(file.Name, () =>
            {
                using var stream = file.OpenRead();
                return FairnessAudit.Run(FairnessData.Read(stream, parse.GetValue(label)!, parse.GetValue(prediction)!, columns, parse.GetValue(positive)),
                    new FairnessOptions
                    {
                        Intersectional = parse.GetValue(intersectional), ReferenceGroup = parse.GetValue(reference),
                        Bootstrap = parse.GetValue(bootstrap), Seed = parse.GetValue(seed), MinGroupSize = parse.GetValue(minGroup),
                    });
            });
            if (parse.GetValue(Json))
            {
                await context.WriteJsonAsync(report);
                return Ok;
            }
            static string F(double? v) => v?.ToString("0.000", CultureInfo.InvariantCulture) ?? "—";
            var o = context.Output;
            await o.WriteLineAsync($"{report.Rows:N0} rows. Verdict: {report.Verdict ?? "none (nothing to compare)"}.");
            foreach (var attribute in report.Groups.GroupBy(g => g.Attribute))
            {
                await o.WriteLineAsync();
                await o.WriteLineAsync($"{attribute.Key,-28} {"rows",8} {"base",6} {"select",6} {"TPR",6} {"FPR",6} {"FNR",6} {"prec",6}");
                foreach (var g in attribute)
                    await o.WriteLineAsync($"  {g.Group,-26} {g.Count,8:N0} {F(g.BaseRate),6} {F(g.SelectionRate),6} {F(g.Tpr),6} {F(g.Fpr),6} {F(g.Fnr),6} {F(g.Precision),6}{(g.SmallGroup ? "  small group" : "")}");
                var d = report.Disparities[attribute.Key];
                await o.WriteLineAsync($"  demographic parity difference {F(d.DemographicParityDifference)}, ratio {F(d.DemographicParityRatio)}; equalized odds difference {F(d.EqualizedOddsDifference)}, ratio {F(d.EqualizedOddsRatio)}; equal opportunity difference {F(d.EqualOpportunityDifference)}; disparate impact {F(d.DisparateImpactRatio)}{(d.FourFifthsPass is { } pass ? pass ? " (four-fifths: pass)" : " (four-fifths: fail)" : "")}");
            }
            return Ok;
        });
        return command;
    }
}
