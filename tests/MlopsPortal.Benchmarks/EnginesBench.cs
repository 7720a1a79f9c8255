using Microsoft.ML;
using Microsoft.ML.Data;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;
using static MlopsPortal.Benchmarks.XGBoostBench;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// Issue 28's figures, one process, same machine: training each engine on UCI Adult (the trainer's whole path: profile,
/// encode, split, fit, package); scoring 1,000,000 rows × 20 features with XGBoost, with ONNX Runtime (a tree ensemble
/// and a logistic regression that ML.NET trained and exported to ONNX) and with ML.NET itself; and the cost of three
/// reason codes per row.
/// </summary>
public static class EnginesBench
{
    public static void Run(string adultCsv, int repeats)
    {
        Console.WriteLine($"XGBoost {XGBoostLibrary.Version}, ML.NET {MlNetTraining.Version}, ONNX Runtime {OnnxRuntimeVersion()}; {Environment.ProcessorCount} cores; median of {repeats}.");
        string sha;
        using (var file = File.OpenRead(adultCsv))
            sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
        foreach (var engine in ModelEngines.Trainable)
        {
            TrainingResult? result = null;
            var parameters = engine == ModelEngines.XGBoost ? new Dictionary<string, string> { [Trainer.RoundsParameter] = "100" } : new Dictionary<string, string>();
            var times = Time(repeats, () => result = Trainer.Train(() => File.OpenRead(adultCsv), new TrainingRequest("Y", [], parameters, 42, sha, ">50K", engine)));
            Console.WriteLine($"train {engine,-15} on Adult (32,561 rows, all usable columns): median {Median(times):0.000} s, validation AUC {result!.Classification!.Auc:0.0000}, package {result.Package.Length:N0} bytes");
        }

        const int rows = 1_000_000, columns = 20, trainRows = 100_000;
        var random = new Random(11);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        var labels = new float[trainRows];
        for (var r = 0; r < trainRows; r++)
            labels[r] = values[r * columns] + values[r * columns + 1] * values[r * columns + 2] + 0.3 * random.NextDouble() > 0.2 ? 1 : 0;
        var table = new EncodedTable(values, [], rows, columns);
        var features = Enumerable.Range(0, columns).Select(i => new FeatureEncoding($"x{i}", FeatureKind.Numeric, [])).ToList();
        var names = features.Select(f => f.Column).ToList();
        var train = (values[..(trainRows * columns)], labels, trainRows);

        byte[] xgbModel;
        using (var matrix = new XGBoostMatrix(train.Item1, trainRows, columns, labels))
        using (var booster = XGBoostBooster.Create(matrix, [], new Dictionary<string, string>
               { ["objective"] = "binary:logistic", ["max_depth"] = "6", ["eta"] = "0.1", ["tree_method"] = "hist", ["seed"] = "1", ["nthread"] = "2" }))
        {
            for (var round = 0; round < 100; round++) booster.UpdateOneRound(round, matrix);
            xgbModel = booster.SaveJson();
        }
        var manifest = new ModelManifest(1, "binaryClassification", features, new LabelEncoding("y", "1", "0"), new Dictionary<string, string>(), 1,
            ModelEngines.XGBoost, XGBoostLibrary.Version, "");
        using var xgb = ScoringModels.Load(manifest, xgbModel, threads: 0);
        Score("XGBoost engine (libxgboost, 100 trees depth 6)", xgb, table, repeats);

        IScoringModel? logistic = null;
        foreach (var (engine, label, parameters) in new[]
                 {
                     (ModelEngines.FastTree, "100 trees, 20 leaves", new Dictionary<string, string>()),
                     (ModelEngines.Logistic, "logistic regression", new Dictionary<string, string>()),
                 })
        {
            var (zip, _) = MlNetTraining.Train(engine, true, MlNetTraining.Parameters(engine, parameters), 42, train, (values[..columns], [0f], 1), columns);
            var mlnet = ScoringModels.Load(manifest with { Engine = engine, EngineVersion = MlNetTraining.Version }, zip);
            Score($"ML.NET {label}", mlnet, table, repeats);
            if (engine == ModelEngines.Logistic) logistic = mlnet;
            else mlnet.Dispose();
            var onnx = ToOnnx(zip, columns);
            var external = ExternalModels.Read(onnx, names, "binaryClassification");
            var (_, onnxModel) = ScoringModels.Load(new MemoryStream(ExternalModels.Package(external, new LabelEncoding("y", "1", "0"), null)));
            using (onnxModel)
                Score($"ONNX Runtime, ML.NET {label} exported", onnxModel, table, repeats);
        }

        // Reason codes: contributions plus the top three per row, on 100,000 rows, next to scoring them.
        Reasons("XGBoost TreeSHAP", xgb, features, values, columns, repeats);
        using (logistic)
            Reasons("ML.NET logistic regression, coefficient × value", logistic!, features, values, columns, repeats);
    }

    private static void Reasons(string what, IScoringModel model, IReadOnlyList<FeatureEncoding> features, float[] values, int columns, int repeats)
    {
        const int explained = 100_000;
        var slice = new EncodedTable(values[..(explained * columns)], [], explained, columns);
        var predict = Median(Time(repeats, () => model.Predict(slice)));
        var reasons = Median(Time(repeats, () =>
        {
            for (var start = 0; start < explained; start += ReasonCodes.ChunkRows)
            {
                var n = Math.Min(ReasonCodes.ChunkRows, explained - start);
                ReasonCodes.Top(features, model.Explain(values.AsSpan(start * columns, n * columns), n, columns)!, 3);
            }
        }));
        Console.WriteLine($"reason codes (K = 3), {what}, {explained:N0} rows: {reasons:0.000} s = {reasons / explained * 1e6:0.0} µs per row, "
                          + $"next to {predict / explained * 1e6:0.00} µs per row to score ({reasons / predict:0}× the scoring time)");
    }

    private static void Score(string what, IScoringModel model, EncodedTable table, int repeats)
    {
        model.Predict(new EncodedTable(table.Values[..(1000 * table.Columns)], [], 1000, table.Columns)); // warm-up
        var median = Median(Time(repeats, () => model.Predict(table)));
        Console.WriteLine($"score {table.Rows:N0} × {table.Columns} with {what}: median {median:0.000} s = {table.Rows / median:N0} rows/s");
    }

    private static string OnnxRuntimeVersion() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();

    /// <summary>ML.NET's own ONNX export of a trained model.</summary>
    private static byte[] ToOnnx(byte[] zip, int columns)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(new MemoryStream(zip), out _);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, columns);
        var sample = ml.Data.LoadFromEnumerable([new Row { Features = new float[columns] }], schema);
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, sample, onnx);
        return onnx.ToArray();
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
