using Microsoft.ML;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Models;

/// <summary>Every engine the portal trains: repeatable packages, the same scores after saving and loading, and its ONNX export.</summary>
public sealed class EngineTrainingTests
{
    private static readonly string Compas = Path.Combine(AppContext.BaseDirectory, "data", "compas", "compas-two-years.csv");
    private static readonly string[] Features = ["sex", "age", "race", "juv_fel_count", "juv_misd_count", "priors_count", "c_charge_degree"];

    private static TrainingResult Train(string engine, int seed = 42, Dictionary<string, string>? parameters = null) =>
        Trainer.Train(() => File.OpenRead(Compas), new TrainingRequest("two_year_recid", Features,
            parameters ?? new Dictionary<string, string> { ["objective"] = "binary:logistic" }, seed, new string('c', 64), Engine: engine));

    [Theory]
    [InlineData(ModelEngines.FastTree)]
    [InlineData(ModelEngines.LightGbm)]
    [InlineData(ModelEngines.Logistic)]
    public void ShouldGiveTheSamePackageHash_WhenAnMlNetEngineTrainsTheSameInputsTwice(string engine)
    {
        var first = Train(engine);
        var second = Train(engine);
        second.PackageSha256.ShouldBe(first.PackageSha256);
        first.Manifest.Engine.ShouldBe(engine);
        first.Manifest.EngineVersion.ShouldBe(MlNetTraining.Version);
        first.Classification!.Auc!.Value.ShouldBeGreaterThan(0.68);
        Train(engine, seed: 43).PackageSha256.ShouldNotBe(first.PackageSha256);
    }

    [Fact]
    public void ShouldRefuseByName_WhenAnMlNetEngineIsGivenAParameterItDoesNotUse()
    {
        var e = Should.Throw<EncodingException>(() => Train(ModelEngines.FastTree,
            parameters: new Dictionary<string, string> { ["objective"] = "binary:logistic", ["max_depth"] = "6" }));
        e.Message.ShouldContain("'max_depth'");
        e.Message.ShouldContain("number_of_trees");
        Should.Throw<EncodingException>(() => Train(ModelEngines.LightGbm,
            parameters: new Dictionary<string, string> { ["learning_rate"] = "fast" })).Message.ShouldContain("learning_rate must be a number");
        Should.Throw<EncodingException>(() => Train("mlnet-svm")).Message.ShouldContain("mlnet-fasttree");
    }

    [Fact]
    public void ShouldRefuseARegressionWithTheLogisticEngine()
    {
        Should.Throw<EncodingException>(() => Train(ModelEngines.Logistic, parameters: new Dictionary<string, string> { ["objective"] = "reg:squarederror" }))
            .Message.ShouldContain("mlnet-logistic is a classifier");
    }

    [Theory]
    [InlineData(ModelEngines.FastTree)]
    [InlineData(ModelEngines.LightGbm)]
    public void ShouldTrainARegressor_WhenTheLabelIsANumber(string engine)
    {
        var result = Train(engine, parameters: new Dictionary<string, string> { ["objective"] = "reg:squarederror" });
        result.Manifest.Task.ShouldBe("regression");
        result.Regression!.Rmse.ShouldBeLessThan(0.5);
        var scores = Scorer.Scores(new MemoryStream(result.Package), () => File.OpenRead(Compas));
        scores.Length.ShouldBe(7214);
    }

    /// <summary>A model scores the same when the package is saved and loaded as ML.NET's own transformer did before saving.</summary>
    [Fact]
    public void ShouldScoreTheSame_WhenAnMlNetModelIsSavedAndLoaded()
    {
        var (values, rows, columns) = Synthetic(2_000, seed: 3);
        var ml = new MLContext(seed: 1);
        var data = EncodedRows.ToDataView(ml, values, rows, columns, Labels(values, rows, columns), classifier: true);
        var model = ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 30).Fit(data);
        var before = ml.Data.CreateEnumerable<Scored>(model.Transform(EncodedRows.ToDataView(ml, values, rows, columns, null, true)), reuseRowObject: false)
            .Select(s => s.Probability).ToArray();
        using var loaded = MlNetScoringModel.Load(MlNetTraining.SaveNormalised(ml, model, data.Schema), classifier: true);
        var after = loaded.Predict(new EncodedTable(values, [], rows, columns));
        after.ShouldBe(before);
    }

    /// <summary>ML.NET's ONNX export of a trained package, scored through the portal's ONNX path, gives ML.NET's scores to 1e-5.</summary>
    [Theory]
    [InlineData(ModelEngines.FastTree)]
    [InlineData(ModelEngines.LightGbm)]
    public void ShouldScoreAnOnnxExportAsMlNetDoes(string engine)
    {
        var (values, rows, columns) = Synthetic(3_000, seed: 5);
        var labels = Labels(values, rows, columns);
        var parameters = MlNetTraining.Parameters(engine, new Dictionary<string, string>());
        var (zip, validScores) = MlNetTraining.Train(engine, true, parameters, 42, (values, labels, rows), (values, labels, rows), columns);
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(new MemoryStream(zip), out _);
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, EncodedRows.ToDataView(ml, values, 1, columns, null, true), onnx);

        var names = Enumerable.Range(0, columns).Select(i => $"x{i}").ToList();
        var external = ExternalModels.Read(onnx.ToArray(), names, "binaryClassification");
        external.Engine.ShouldBe(ModelEngines.Onnx);
        var package = ExternalModels.Package(external, new LabelEncoding("y", "1", "0"), null);
        var (manifest, loaded) = ScoringModels.Load(new MemoryStream(package));
        using (loaded)
        {
            var scores = loaded.Predict(new EncodedTable(values, [], rows, columns));
            manifest.Engine.ShouldBe(ModelEngines.Onnx);
            for (var i = 0; i < rows; i++)
                scores[i].ShouldBe(validScores[i], 1e-5);
        }
    }

    /// <summary>An ML.NET zip trained elsewhere registers as engine "mlnet" and scores as ML.NET scored it; its timestamps do not change its package.</summary>
    [Fact]
    public void ShouldPackageAnMlNetZipFromElsewhere_AndScoreItAsMlNetDid()
    {
        var (values, rows, columns) = Synthetic(1_000, seed: 9);
        var labels = Labels(values, rows, columns);
        var (zip, scores) = MlNetTraining.Train(ModelEngines.LightGbm, true, MlNetTraining.Parameters(ModelEngines.LightGbm, new Dictionary<string, string>()), 1,
            (values, labels, rows), (values, labels, rows), columns);
        var names = Enumerable.Range(0, columns).Select(i => $"x{i}").ToList();

        var external = ExternalModels.Read(zip, names, task: null);
        external.Engine.ShouldBe(ModelEngines.MlNet);
        external.Task.ShouldBe("binaryClassification");
        external.Features.ShouldBe(names);
        var package = ExternalModels.Package(external, new LabelEncoding("y", "1", "0"), null);
        var (manifest, model) = ScoringModels.Load(new MemoryStream(package));
        using (model)
            model.Predict(new EncodedTable(values, [], rows, columns)).ShouldBe(scores);
        manifest.Engine.ShouldBe(ModelEngines.MlNet);

        Should.Throw<InvalidDataException>(() => ExternalModels.Read(zip, ["x0"], null)).Message.ShouldBe($"The model reads {columns} features; 1 are listed.");
        Should.Throw<InvalidDataException>(() => ExternalModels.Read(zip, null, null)).Message.ShouldContain("list them in the order the model reads them");
    }

    internal static (float[] Values, int Rows, int Columns) Synthetic(int rows, int seed, int columns = 6)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)Math.Round(random.NextDouble() * 10, 2);
        return (values, rows, columns);
    }

    internal static float[] Labels(float[] values, int rows, int columns) =>
        Enumerable.Range(0, rows).Select(r => values[r * columns] + 0.5f * values[r * columns + 1] - 0.3f * values[r * columns + 2] > 5.5f ? 1f : 0f).ToArray();

    private sealed class Scored
    {
        public float Probability { get; set; }
    }
}
