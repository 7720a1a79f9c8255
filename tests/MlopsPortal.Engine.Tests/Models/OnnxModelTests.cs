using System.Globalization;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Models;

/// <summary>
/// ONNX models from other tools (tests/data/onnx: made by make_fixtures.py from models fitted by scikit-learn and XGBoost,
/// with the probabilities those libraries computed) score through the portal as the original library scored them.
/// </summary>
public sealed class OnnxModelTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "data", "onnx");
    private static readonly string[] Features = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count"];

    private static byte[] Model(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".onnx"));

    [Theory]
    [InlineData("sklearn-logistic", true)]
    [InlineData("sklearn-gradient-boosting", false)]
    [InlineData("xgboost-binary", true)]
    public void ShouldScoreWithin1e5OfTheOriginalLibrary(string name, bool listFeatures)
    {
        var external = ExternalModels.Read(Model(name), listFeatures ? Features : null, "binaryClassification");
        external.Features.ShouldBe(Features);
        external.Engine.ShouldBe(ModelEngines.Onnx);
        external.Details["onnx.output"].ShouldBe("probabilities");
        var package = ExternalModels.Package(external, new LabelEncoding("two_year_recid", "1", "0"), null);

        var scores = Scorer.Scores(new MemoryStream(package), () => File.OpenRead(Path.Combine(Folder, "rows.csv")));

        var expected = File.ReadAllLines(Path.Combine(Folder, "expected.csv"));
        var column = Array.IndexOf(expected[0].Split(','), name);
        scores.Length.ShouldBe(expected.Length - 1);
        for (var i = 0; i < scores.Length; i++)
            ((double)scores[i]).ShouldBe(double.Parse(expected[i + 1].Split(',')[column], CultureInfo.InvariantCulture), 1e-5);
    }

    [Fact]
    public void ShouldAskForTheFeatures_WhenTheModelReadsOneMatrixAndNoneAreListed()
    {
        Should.Throw<InvalidDataException>(() => ExternalModels.Read(Model("sklearn-logistic"), null, "binaryClassification"))
            .Message.ShouldContain("reads one matrix of 5 features ('float_input')");
        Should.Throw<InvalidDataException>(() => ExternalModels.Read(Model("sklearn-logistic"), ["age", "priors_count"], "binaryClassification"))
            .Message.ShouldBe("The model reads 5 features; 2 are listed.");
    }

    [Fact]
    public void ShouldNameTheInputs_WhenTheListedFeaturesDoNotMatchTheModelsNamedInputs()
    {
        var e = Should.Throw<InvalidDataException>(() => ExternalModels.Read(Model("sklearn-gradient-boosting"), ["age", "priors", "juv_fel_count", "juv_misd_count", "juv_other_count"], "binaryClassification"));
        e.Message.ShouldContain("'priors_count'");
        e.Message.ShouldContain("'priors'");
    }

    [Fact]
    public void ShouldRefuseInASentence_WhenTheFileIsNotAModel()
    {
        Should.Throw<InvalidDataException>(() => ExternalModels.Read("not a model at all"u8.ToArray(), Features, "binaryClassification"))
            .Message.ShouldStartWith("ONNX Runtime cannot load the file:");
        Should.Throw<InvalidDataException>(() => ExternalModels.Read([], Features, null)).Message.ShouldBe("The model file is empty.");
    }

    [Fact]
    public void ShouldSayReasonsAreNotAvailable_WhenAnOnnxModelScores()
    {
        var package = ExternalModels.Package(ExternalModels.Read(Model("xgboost-binary"), Features, null), new LabelEncoding("y", "1", "0"), null);
        var output = new StringWriter();
        var result = Scorer.Score(new MemoryStream(package), () => File.OpenRead(Path.Combine(Folder, "rows.csv")), output, ["id"], reasons: 3);
        result.ReasonsNote.ShouldBe("Reasons are not available for this model: an ONNX model gives scores only, not each feature's contribution to them.");
        output.ToString().Split('\n')[0].ShouldBe("id,score,prediction");
    }
}
