using System.Diagnostics;
using System.Runtime.InteropServices;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The engine's XGBoost figures next to Python's on the same inputs (contracts §7: in-memory columns):
/// scoring 1,000,000 rows × 20 features with one model (single thread and all cores), and 100 boosting
/// rounds on UCI Adult's encoded training matrix. Writes the matrices and the model to a folder for
/// scripts/bench_xgboost.py, which times Python's xgboost on exactly the same bytes.
/// </summary>
public static class XGBoostBench
{
    public static void Run(string folder, string adultCsv, int repeats)
    {
        Directory.CreateDirectory(folder);
        Console.WriteLine($"XGBoost {XGBoostLibrary.Version}; {Environment.ProcessorCount} cores; median of {repeats}.");

        // Scoring: a model of 100 trees (depth 6) trained on 100,000 rows, then 1,000,000 rows scored.
        const int rows = 1_000_000, columns = 20;
        var random = new Random(11);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = random.Next(50) == 0 ? float.NaN : (float)(random.NextDouble() * 2 - 1);
        var labels = new float[100_000];
        for (var r = 0; r < labels.Length; r++)
            labels[r] = Nz(values[r * columns]) + Nz(values[r * columns + 1]) * Nz(values[r * columns + 2]) + 0.3 * random.NextDouble() > 0.2 ? 1 : 0;
        byte[] model;
        using (var train = new XGBoostMatrix(values.AsSpan(0, labels.Length * columns), labels.Length, columns, labels))
        using (var booster = XGBoostBooster.Create(train, [], Parameters("6", threads: 2)))
        {
            for (var round = 0; round < 100; round++) booster.UpdateOneRound(round, train);
            model = booster.SaveJson();
        }
        File.WriteAllBytes(Path.Combine(folder, "score-model.json"), model);
        File.WriteAllBytes(Path.Combine(folder, "score-values.f32"), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        var output = new float[rows];
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            using var booster = XGBoostBooster.Load(model, threads);
            booster.Predict(values.AsSpan(0, 1000 * columns), 1000, columns, output); // warm-up
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var times = Time(repeats, () => booster.Predict(values, rows, columns, output));
            var perCall = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)(repeats + 1);
            Console.WriteLine($"score {rows:N0} × {columns}, {threads} thread(s): median {Median(times):0.000} s = {rows / Median(times):N0} rows/s; " +
                              $"managed allocation {perCall:N0} bytes per call (not per row)");
        }

        // Training: 100 rounds on UCI Adult, encoded as the trainer does (all usable columns).
        var profile = MlopsPortal.Engine.Datasets.DatasetProfiler.Profile(File.OpenRead(adultCsv));
        var features = profile.Columns.Where(c => c.Name != "Y" && c.Type is not (MlopsPortal.Engine.Datasets.ColumnType.Text or MlopsPortal.Engine.Datasets.ColumnType.Datetime))
            .Select(c => c.Name).ToList();
        var encodings = FeatureEncoder.Plan(profile.Columns, features);
        var table = FeatureEncoder.Encode(File.OpenRead(adultCsv), encodings, new LabelEncoding("Y", ">50K"));
        File.WriteAllBytes(Path.Combine(folder, "adult-values.f32"), MemoryMarshal.AsBytes(table.Values.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "adult-labels.f32"), MemoryMarshal.AsBytes(table.Labels.AsSpan()).ToArray());
        File.WriteAllText(Path.Combine(folder, "adult-shape.txt"), $"{table.Rows} {table.Columns}");
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            var times = Time(repeats, () =>
            {
                using var train = new XGBoostMatrix(table.Values, table.Rows, table.Columns, table.Labels);
                using var booster = XGBoostBooster.Create(train, [], Parameters("6", threads));
                for (var round = 0; round < 100; round++) booster.UpdateOneRound(round, train);
            });
            Console.WriteLine($"train 100 rounds on Adult ({table.Rows:N0} × {table.Columns}), {threads} thread(s): median {Median(times):0.000} s");
        }
    }

    private static float Nz(float v) => float.IsNaN(v) ? 0 : v;

    /// <summary>The same parameters scripts/bench_xgboost.py uses.</summary>
    private static Dictionary<string, string> Parameters(string depth, int threads) => new()
    {
        ["objective"] = "binary:logistic", ["max_depth"] = depth, ["eta"] = "0.1", ["tree_method"] = "hist", ["seed"] = "1", ["nthread"] = threads.ToString(),
    };

    internal static List<double> Time(int repeats, Action action)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return times;
    }

    internal static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
