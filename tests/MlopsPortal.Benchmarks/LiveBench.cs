using System.Diagnostics;
using System.Globalization;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The live-performance job's computation over files as the job reads them: <c>rows</c> scored rows in ten scoring
/// outputs (key, score, prediction) with their inputs (key, gender) read in step, and <c>outcomes</c> outcome rows;
/// the outcomes are loaded, joined by key hash, and the seven classification metrics, the band share and the fairness
/// disparities computed. The files are written first and not timed; database reads and writes are not timed.
/// </summary>
public static class LiveBench
{
    public static void Run(int rows, int outcomes, int repeats)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"live-bench-{rows}-{outcomes}");
        const int batches = 10;
        var perBatch = rows / batches;
        if (!File.Exists(Path.Combine(folder, "outcomes.csv")))
        {
            Directory.CreateDirectory(folder);
            var random = new Random(11);
            for (var b = 0; b < batches; b++)
            {
                using var scores = new StreamWriter(Path.Combine(folder, $"scores-{b}.csv"));
                using var input = new StreamWriter(Path.Combine(folder, $"input-{b}.csv"));
                scores.Write("applicant_id,score,prediction\n");
                input.Write("applicant_id,gender\n");
                for (var i = 0; i < perBatch; i++)
                {
                    var key = $"A{b * perBatch + i:D9}";
                    var s = (float)random.NextDouble();
                    scores.Write($"{key},{s.ToString("0.######", CultureInfo.InvariantCulture)},{(s >= 0.5 ? "yes" : "no")}\n");
                    input.Write($"{key},{(random.Next(2) == 0 ? "female" : "male")}\n");
                }
            }
            using var file = new StreamWriter(Path.Combine(folder, "outcomes.csv"));
            file.Write("applicant_id,defaulted\n");
            var step = Math.Max(1, rows / outcomes);
            for (var i = 0; i < outcomes; i++)
                file.Write($"A{(long)i * step:D9},{(random.NextDouble() < 0.3 ? "yes" : "no")}\n");
        }
        var format = new OutcomeFormat(["applicant_id"], "defaulted", true, "yes");
        var settings = new LiveSettings(0.5, new ConfidenceBand(0.05, 0.95), ["gender"], "auc", new FairnessOptions());
        var list = Enumerable.Range(0, batches).Select(b => new LiveBatch(Guid.NewGuid(), DateTime.UtcNow,
            () => File.OpenRead(Path.Combine(folder, $"scores-{b}.csv")), () => File.OpenRead(Path.Combine(folder, $"input-{b}.csv")))).ToList();
        var times = new List<double>();
        LiveResult? result = null;
        for (var r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            var labels = LivePerformance.LoadOutcomes([() => File.OpenRead(Path.Combine(folder, "outcomes.csv"))], format);
            result = LivePerformance.Compute(list, labels, format, settings);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"{result!.ScoredRows:N0} scored rows, {result.LabelledRows:N0} labelled; auc {result.Metrics["auc"]:0.####}, band share {result.BandShare:P1}, "
                          + $"verdict {result.FairnessVerdict}. Median {times[times.Count / 2]:0.00} s, max {times[^1]:0.00} s over {repeats} repeats; "
                          + $"peak working set {process.PeakWorkingSet64 / 1048576.0:0} MiB.");
    }
}
