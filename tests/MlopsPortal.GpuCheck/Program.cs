using System.Diagnostics;
using System.Globalization;
using MlopsPortal.Engine.Scoring;

// GPU check: the portal's CUDA scorer against the CPU traversal of the same flattened layout (which the CI tests hold
// equal to libxgboost), on a deterministic synthetic ensemble or a given XGBoost JSON model. End to end = float32
// matrix in host memory → scores in host memory, transfers included. Prints whether it ran on a GPU.
// Exit codes: 0 all scores equal on a GPU; 1 a mismatch; 2 bad arguments; 3 no GPU here (CPU figures only).
var arguments = args.ToList();
string Option(string name, string fallback)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
}
List<long> Longs(string name, string fallback) => Option(name, fallback).Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();

try
{
    var rowsList = Longs("--rows", "1000000,10000000");
    var treesList = Longs("--trees", "100,500,1000").Select(t => (int)t).ToList();
    var depth = int.Parse(Option("--depth", "8"), CultureInfo.InvariantCulture);
    var features = int.Parse(Option("--features", "20"), CultureInfo.InvariantCulture);
    var threads = int.Parse(Option("--threads", "0"), CultureInfo.InvariantCulture);
    var modelFile = Option("--model", "");
    var repeats = int.Parse(Option("--repeats", "3"), CultureInfo.InvariantCulture);
    const float Tolerance = 1e-5f;

    var probe = CudaForest.Probe();
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}.");
    Console.WriteLine(probe.Usable ? $"GPU: {probe.Message}" : $"NO GPU: {probe.Message} — the CPU traversal runs alone; nothing about the GPU is checked.");
    using var cuda = probe.Usable ? new CudaForest() : null;
    if (cuda is not null) Console.WriteLine($"Kernel compiled by NVRTC for {cuda.Architecture}.");

    var forests = modelFile.Length > 0
        ? [(Name: Path.GetFileName(modelFile), Forest: TreeForest.FromXGBoostJson(File.ReadAllBytes(modelFile)))]
        : treesList.Select(t => (Name: $"{t} trees, depth {depth}", Forest: TreeForest.Synthetic(t, depth, features, seed: 42))).ToList();
    if (modelFile.Length > 0) features = Math.Max(features, forests[0].Forest.Features);
    var maxRows = rowsList.Max();
    Console.WriteLine($"Generating {maxRows:N0} rows × {features} features (2 % missing)…");
    var data = TreeForest.SyntheticRows(maxRows, features, seed: 7);
    var cpu = new float[maxRows];
    var gpu = new float[maxRows];
    var failed = false;

    Console.WriteLine();
    Console.WriteLine("| model | rows | CPU rows/s (all cores) | GPU rows/s (end to end) | GPU kernel+copies only | speed-up | max rel. error | mismatches |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (name, forest) in forests)
        foreach (var rows in rowsList)
        {
            if (rows > int.MaxValue) throw new ArgumentException("--rows above 2,147,483,647 is not supported by the CPU traversal.");
            var cpuTimes = new List<double>();
            for (var r = 0; r < Math.Max(1, repeats - 1); r++)
            {
                var watch = Stopwatch.StartNew();
                forest.PredictCpu(data.AsSpan(0, (int)(rows * features)), (int)rows, features, cpu.AsSpan(0, (int)rows), threads);
                cpuTimes.Add(watch.Elapsed.TotalSeconds);
            }
            var cpuRate = rows / cpuTimes.Min();
            if (cuda is null)
            {
                Console.WriteLine($"| {name} | {rows:N0} | {cpuRate:N0} | — | — | — | — | — |");
                continue;
            }
            cuda.Score(forest, data, Math.Min(rows, 1 << 16), features, gpu); // warm-up: module load, first allocations
            var gpuTimes = new List<(double Total, double Stream)>();
            for (var r = 0; r < repeats; r++)
            {
                Array.Clear(gpu);
                var timing = cuda.Score(forest, data, rows, features, gpu);
                gpuTimes.Add((timing.Total.TotalSeconds, timing.Stream.TotalSeconds));
            }
            var worst = 0f;
            long mismatches = 0;
            for (long i = 0; i < rows; i++)
            {
                var error = Math.Abs(gpu[i] - cpu[i]) / Math.Max(1f, Math.Abs(cpu[i]));
                if (!(error <= Tolerance)) mismatches++;
                if (error > worst || float.IsNaN(error)) worst = float.IsNaN(error) ? float.PositiveInfinity : error;
            }
            failed |= mismatches > 0;
            var best = gpuTimes.MinBy(t => t.Total);
            var gpuRate = rows / best.Total;
            Console.WriteLine($"| {name} | {rows:N0} | {cpuRate:N0} | {gpuRate:N0} | {rows / best.Stream:N0} | {gpuRate / cpuRate:0.0}× | {worst:E2} | {mismatches:N0} |");
        }
    Console.WriteLine();
    if (cuda is null)
    {
        Console.WriteLine("RESULT: NOT RUN ON A GPU (no NVIDIA driver or NVRTC here). Run this command on a GPU machine to check the kernel.");
        return 3;
    }
    Console.WriteLine(failed
        ? $"RESULT: FAILED on {probe.DeviceName}: some GPU scores differ from the CPU traversal by more than {Tolerance:E0} × max(1, |score|)."
        : $"RESULT: PASSED on {probe.DeviceName}: every GPU score equals the CPU traversal to {Tolerance:E0} × max(1, |score|).");
    return failed ? 1 : 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or NotSupportedException or CudaException)
{
    Console.Error.WriteLine($"gpu-check: {e.Message}");
    Console.Error.WriteLine("usage: gpu-check [--rows 1000000,10000000] [--trees 100,500,1000] [--depth 8] [--features 20] [--model MODEL.json] [--threads N] [--repeats N]");
    return e is CudaException ? 1 : 2;
}
