using System.Diagnostics;
using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// A full drift report on in-memory columns (contracts §7): N reference and N current rows of 40 numeric (float64) and
/// 10 categorical (dictionary-encoded) columns, a quarter of them shifted. What it times: making the samples (dropping
/// missing values, sorting) and DriftAnalysis.Compare, i.e. every statistic of contracts §5 for every column.
/// Peak memory is the process's peak working set (the generated columns included).
/// </summary>
public static class DriftBench
{
    public static void Run(int rows, int repeats)
    {
        var random = new Random(11);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var numericRef = new double[40][];
        var numericCur = new double[40][];
        for (var c = 0; c < 40; c++)
        {
            var shift = c % 4 == 0 ? 0.1 : 0.0;
            numericRef[c] = new double[rows];
            numericCur[c] = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                numericRef[c][i] = c % 5 == 0 ? Math.Round(Normal() * 3) : Normal();
                numericCur[c][i] = c % 5 == 0 ? Math.Round((Normal() + shift) * 3) : Normal() + shift;
            }
        }
        var categoricalRef = new CategoricalSample[10];
        var categoricalCur = new CategoricalSample[10];
        for (var c = 0; c < 10; c++)
        {
            var k = 3 + c * 2;
            var names = Enumerable.Range(0, k).Select(x => $"cat{x}").ToArray();
            var r = new int[rows];
            var cur = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                r[i] = random.Next(k);
                cur[i] = c % 4 == 0 && random.Next(10) == 0 ? 0 : random.Next(k);
            }
            categoricalRef[c] = new CategoricalSample($"c{c}", names, r);
            categoricalCur[c] = new CategoricalSample($"c{c}", names, cur);
        }
        Console.WriteLine($"drift: {rows:N0} reference and {rows:N0} current rows × 40 numeric + 10 categorical columns, {Environment.ProcessorCount} cores");
        for (var run = 1; run <= repeats; run++)
        {
            var clock = Stopwatch.StartNew();
            var reference = new DriftSample[50];
            var current = new DriftSample[50];
            Parallel.For(0, 40, c =>
            {
                reference[c] = new NumericSample($"x{c}", numericRef[c]);
                current[c] = new NumericSample($"x{c}", numericCur[c]);
            });
            for (var c = 0; c < 10; c++) (reference[40 + c], current[40 + c]) = (categoricalRef[c], categoricalCur[c]);
            var result = DriftAnalysis.Compare(reference, current);
            clock.Stop();
            Console.WriteLine($"  run {run}: {clock.Elapsed.TotalSeconds:0.000} s, {result.Columns.Count(x => x.Drifted == true)} of 50 columns drifted, " +
                              $"dataset drift {result.DatasetDrift}, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):N0} MiB");
        }
    }
}
