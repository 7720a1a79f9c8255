using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Tests.Training;

/// <summary>The C API binding against Debian's libxgboost0: training, evaluation, prediction, JSON round trips, errors.</summary>
public sealed class XGBoostTests
{
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["objective"] = "binary:logistic", ["eval_metric"] = "logloss", ["max_depth"] = "3", ["eta"] = "0.3",
        ["seed"] = "7", ["nthread"] = "2", ["subsample"] = "0.8",
    };

    /// <summary>Two features; the label is x0 > 0.5 with 5 % of labels flipped; x1 is noise with 10 % missing.</summary>
    private static (float[] Values, float[] Labels) Data(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * 2];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            values[i * 2] = (float)random.NextDouble();
            values[i * 2 + 1] = random.Next(10) == 0 ? float.NaN : (float)random.NextDouble();
            labels[i] = (values[i * 2] > 0.5) ^ (random.Next(20) == 0) ? 1 : 0;
        }
        return (values, labels);
    }

    private static (XGBoostBooster Booster, List<double> TrainLoss) Train(int rounds = 20, Dictionary<string, string>? parameters = null)
    {
        var (values, labels) = Data(2000, 1);
        var (validValues, validLabels) = Data(500, 2);
        using var train = new XGBoostMatrix(values, 2000, 2, labels);
        using var valid = new XGBoostMatrix(validValues, 500, 2, validLabels);
        var booster = XGBoostBooster.Create(train, [valid], parameters ?? Parameters);
        var losses = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            booster.UpdateOneRound(round, train);
            var metrics = booster.Evaluate(round, [("train", train), ("valid", valid)]);
            metrics.Keys.ShouldBe([("train", "logloss"), ("valid", "logloss")], ignoreOrder: true);
            losses.Add(metrics[("train", "logloss")]);
        }
        return (booster, losses);
    }

    [Fact]
    public void ShouldReportTheLibraryVersion_WhenAsked() =>
        XGBoostLibrary.Version.ShouldStartWith("1.");

    [Fact]
    public void ShouldLearnTheRuleAndLowerTheLoss_WhenTrainedForTwentyRounds()
    {
        var (booster, losses) = Train();
        using (booster)
        {
            losses[^1].ShouldBeLessThan(losses[0]);
            var output = new float[3];
            booster.Predict([0.9f, 0.5f, 0.1f, float.NaN, 0.8f, 0.2f], 3, 2, output);
            output[0].ShouldBeGreaterThan(0.8f);
            output[1].ShouldBeLessThan(0.2f);
            output[2].ShouldBeGreaterThan(0.8f);
        }
    }

    [Fact]
    public void ShouldWriteTheSameJson_WhenTrainedTwiceWithTheSameSeed()
    {
        var (first, _) = Train(10);
        var (second, _) = Train(10);
        using (first)
        using (second)
            second.SaveJson().ShouldBe(first.SaveJson());
    }

    [Fact]
    public void ShouldPredictIdentically_WhenTheSavedJsonIsLoadedAgain()
    {
        var (booster, _) = Train(10);
        using (booster)
        {
            var json = booster.SaveJson();
            using var loaded = XGBoostBooster.Load(json, threads: 1);
            var (values, _) = Data(1000, 3);
            var expected = new float[1000];
            var actual = new float[1000];
            booster.Predict(values, 1000, 2, expected);
            loaded.Predict(values, 1000, 2, actual);
            actual.ShouldBe(expected);
            loaded.SaveJson().ShouldBe(json);
        }
    }

    [Fact]
    public void ShouldSurfaceXGBoostsOwnMessage_WhenAParameterValueIsBad()
    {
        var bad = new Dictionary<string, string>(Parameters) { ["objective"] = "binary:nonsense" };
        var e = Should.Throw<XGBoostException>(() => Train(1, bad).Booster.Dispose());
        e.Message.ShouldContain("binary:nonsense");
        e.Message.ShouldNotStartWith("[");
        e.Message.ShouldNotContain("Stack trace");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"learner\": 42}")]
    [InlineData("not json at all")]
    public void ShouldSayTheModelIsInvalid_WhenTheJsonIsCorrupt(string json) =>
        Should.Throw<XGBoostException>(() => XGBoostBooster.Load(System.Text.Encoding.UTF8.GetBytes(json)).Dispose())
            .Message.ShouldStartWith("The model file is not a valid XGBoost model:");

    [Fact]
    public void ShouldRefuseAShapeMismatch_WhenValuesDoNotFillTheRows() =>
        Should.Throw<ArgumentException>(() => new XGBoostMatrix([1f, 2f, 3f], 2, 2));

    [Theory]
    [InlineData("[10:41:07] /build/xgboost-1.7.4/src/objective/objective.cc:26: Unknown objective function: `binary:nonsense`\nStack trace:\n  [bt] (0) libxgboost.so.0(+0x1234)",
        "Unknown objective function: `binary:nonsense`")]
    [InlineData("plain message", "plain message")]
    public void ShouldStripTimeLocationAndStack_WhenCleaningAMessage(string raw, string expected) =>
        XGBoostNative.CleanMessage(raw).ShouldBe(expected);

    [Fact]
    public void ShouldParseEveryMetric_WhenAnEvaluationLineIsRead() =>
        XGBoostBooster.ParseEvaluation("[3]\ttrain-logloss:0.51\tvalid-logloss:0.55\tvalid-auc:0.9").ShouldBe(new Dictionary<(string, string), double>
        {
            [("train", "logloss")] = 0.51, [("valid", "logloss")] = 0.55, [("valid", "auc")] = 0.9,
        });
}

public sealed class TrainerParameterTests
{
    [Fact]
    public void ShouldRefuseAMisspelledParameter_InXGBoostsWords()
    {
        var error = Should.Throw<XGBoostException>(() => Trainer.CheckParameters(new Dictionary<string, string> { ["max_dept"] = "4", ["objective"] = "binary:logistic" }));
        error.Message.ShouldContain("max_dept");
        error.Message.ShouldContain("not used");
    }

    [Fact]
    public void ShouldAcceptKnownParameters()
    {
        Should.NotThrow(() => Trainer.CheckParameters(new Dictionary<string, string> { ["max_depth"] = "4", ["eta"] = "0.3", ["num_boost_round"] = "5" }));
    }

    [Fact]
    public void ShouldRefuseABadValue_WithXGBoostsMessage()
    {
        Should.Throw<XGBoostException>(() => Trainer.CheckParameters(new Dictionary<string, string> { ["eta"] = "fast" }))
            .Message.ShouldContain("could not be parsed");
    }
}

public sealed class TrainerParameterOrderTests
{
    [Fact]
    public void ShouldStillReportAMisspelledParameter_AfterAnEarlierCheckFailed()
    {
        Should.Throw<XGBoostException>(() => Trainer.CheckParameters(new Dictionary<string, string> { ["eta"] = "fast" }));
        Should.Throw<XGBoostException>(() => Trainer.CheckParameters(new Dictionary<string, string> { ["max_dept"] = "4" }))
            .Message.ShouldContain("max_dept");
    }
}

public sealed class ContributionTests
{
    [Fact]
    public void ShouldAddUpToTheMargin_ForEveryRow()
    {
        float[] values = [1, 0, 2, 1, 3, 0, 4, 1, 5, 0, 6, 1, 7, 0, 8, 1];
        float[] labels = [0, 0, 0, 1, 1, 1, 1, 1];
        using var train = new XGBoostMatrix(values, 8, 2, labels);
        using var booster = XGBoostBooster.Create(train, [], new Dictionary<string, string>
        {
            ["objective"] = "binary:logistic", ["max_depth"] = "2", ["min_child_weight"] = "0", ["nthread"] = "1", ["seed"] = "1",
        });
        for (var round = 0; round < 5; round++) booster.UpdateOneRound(round, train);
        var contributions = booster.Contributions(values, 8, 2);
        var probabilities = new float[8];
        booster.Predict(values, 8, 2, probabilities);

        contributions.Length.ShouldBe(8 * 3);
        for (var row = 0; row < 8; row++)
        {
            var margin = contributions[row * 3] + contributions[row * 3 + 1] + contributions[row * 3 + 2];
            (1 / (1 + Math.Exp(-margin))).ShouldBe(probabilities[row], 1e-5);
        }
    }
}
