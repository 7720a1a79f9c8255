using System.Diagnostics;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The fairness audit on in-memory columns (contracts §7: booleans and dictionary-encoded categories): what it
/// times is FairnessAudit.Run alone, after the columns are built. Peak memory is the process's peak working set.
/// </summary>
public static class FairnessBench
{
    public static void Run(int rows, int bootstrap, bool intersectional, int repeats)
    {
        var random = new Random(7);
        var labels = new bool[rows];
        var predictions = new bool[rows];
        (string Name, string[] Categories)[] columns =
        [
            ("race", ["African-American", "Asian", "Caucasian", "Hispanic", "Native American", "Other"]),
            ("sex", ["Female", "Male"]),
            ("age_cat", ["25 - 45", "Greater than 45", "Less than 25"]),
        ];
        var codes = columns.Select(_ => new int[rows]).ToArray();
        for (var i = 0; i < rows; i++)
        {
            for (var c = 0; c < columns.Length; c++)
                codes[c][i] = random.Next(100) == 0 ? -1 : random.Next(columns[c].Categories.Length);
            labels[i] = random.Next(100) < 40 + 5 * codes[0][i];
            predictions[i] = random.Next(100) < (labels[i] ? 70 : 25) + 3 * codes[1][i];
        }
        var input = new FairnessInput(labels, predictions,
            columns.Select((c, index) => new SensitiveColumn(c.Name, c.Categories, codes[index])).ToList());
        var options = new FairnessOptions { Bootstrap = bootstrap, Seed = 1, Intersectional = intersectional };
        Console.WriteLine($"fairness: {rows:N0} rows × {columns.Length} sensitive attributes{(intersectional ? " + their intersection" : "")}, " +
                          $"bootstrap {bootstrap}, {Environment.ProcessorCount} cores");
        for (var r = 1; r <= repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var report = FairnessAudit.Run(input, options);
            clock.Stop();
            Console.WriteLine($"  run {r}: {clock.Elapsed.TotalSeconds:0.000} s, {report.Groups.Count} groups, verdict {report.Verdict}, " +
                              $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");
        }
    }
}
