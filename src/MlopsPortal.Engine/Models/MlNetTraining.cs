using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// Trains the ML.NET engines on the portal's encoded rows: FastTree and LightGBM (gradient-boosted trees) and a
/// regularised logistic regression (L-BFGS, features scaled by their standard deviation, missing values replaced by
/// the training mean). A fixed seed and pinned thread counts give the same model contents on any machine; the zip
/// ML.NET writes is rewritten with fixed timestamps so the package's bytes, and so its hash, repeat.
/// </summary>
public static class MlNetTraining
{
    /// <summary>The hyperparameters each engine accepts, with their defaults; anything else is refused by name.</summary>
    public static IReadOnlyDictionary<string, string> Defaults(string engine) => engine switch
    {
        ModelEngines.FastTree => new Dictionary<string, string>
        {
            ["number_of_trees"] = "100", ["number_of_leaves"] = "20", ["learning_rate"] = "0.2", ["minimum_example_count_per_leaf"] = "10",
        },
        ModelEngines.LightGbm => new Dictionary<string, string>
        {
            ["number_of_iterations"] = "100", ["number_of_leaves"] = "31", ["learning_rate"] = "0.1", ["minimum_example_count_per_leaf"] = "20",
            ["l2_regularization"] = "0",
        },
        ModelEngines.Logistic => new Dictionary<string, string>
        {
            ["l1_regularization"] = "0", ["l2_regularization"] = "1", ["optimization_tolerance"] = "1e-7", ["maximum_iterations"] = "100",
        },
        _ => throw new EncodingException($"'{engine}' is not an ML.NET engine."),
    };

    /// <summary>ML.NET's version, as the package records it.</summary>
    public static string Version { get; } = Informational(typeof(MLContext).Assembly);

    internal static string Informational(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown")
        .Split('+')[0];

    /// <summary>The request's parameters over the engine's defaults, each checked: a name the engine does not use or a value that is not a number is refused.</summary>
    public static SortedDictionary<string, string> Parameters(string engine, IReadOnlyDictionary<string, string> requested)
    {
        var defaults = Defaults(engine);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in defaults) parameters[name] = value;
        foreach (var (name, value) in requested)
        {
            if (name == "objective") continue; // the model's task decides; XGBoost's name for it is accepted and ignored
            if (!defaults.ContainsKey(name))
                throw new EncodingException($"{ModelEngines.DisplayName(engine)} does not use the parameter '{name}': it takes {string.Join(", ", defaults.Keys)}.");
            parameters[name] = value;
        }
        foreach (var (name, value) in parameters)
        {
            var whole = name.StartsWith("number_of", StringComparison.Ordinal) || name.StartsWith("minimum_", StringComparison.Ordinal) || name.StartsWith("maximum_", StringComparison.Ordinal);
            if (whole ? !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 100_000
                      : !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < 0)
                throw new EncodingException(whole ? $"{name} must be a whole number from 1 to 100,000, not '{value}'." : $"{name} must be a number of zero or more, not '{value}'.");
        }
        return parameters;
    }

    /// <summary>Trains on the training rows and returns the model zip (normalised) with the validation rows' scores.</summary>
    public static (byte[] ModelZip, float[] ValidationScores) Train(
        string engine, bool classifier, IReadOnlyDictionary<string, string> parameters, int seed,
        (float[] Values, float[] Labels, int Rows) train, (float[] Values, float[] Labels, int Rows) valid, int columns)
    {
        if (engine == ModelEngines.Logistic && !classifier)
            throw new EncodingException("mlnet-logistic is a classifier: choose mlnet-fasttree, mlnet-lightgbm or xgboost for a regression model.");
        var ml = new MLContext(seed);
        var trainView = EncodedRows.ToDataView(ml, train.Values, train.Rows, columns, train.Labels, classifier);
        var estimator = Estimator(ml, engine, classifier, parameters, seed);
        var model = estimator.Fit(trainView);
        var zip = SaveNormalised(ml, model, trainView.Schema);
        using var scoring = MlNetScoringModel.Load(zip, classifier);
        var scores = scoring.Predict(new EncodedTable(valid.Values, valid.Labels, valid.Rows, columns));
        return (zip, scores);
    }

    private static IEstimator<ITransformer> Estimator(MLContext ml, string engine, bool classifier, IReadOnlyDictionary<string, string> p, int seed)
    {
        int Int(string name) => int.Parse(p[name], CultureInfo.InvariantCulture);
        double Double(string name) => double.Parse(p[name], CultureInfo.InvariantCulture);
        const string features = EncodedRows.Features;
        switch (engine)
        {
            case ModelEngines.FastTree:
                // FastTree bins values and has no missing-value direction: missing values become the training mean.
                var impute = ml.Transforms.ReplaceMissingValues(features, replacementMode: Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean);
                return classifier
                    ? impute.Append(ml.BinaryClassification.Trainers.FastTree(FastTreeOptions(new FastTreeBinaryTrainer.Options(), p, seed)))
                    : impute.Append(ml.Regression.Trainers.FastTree(FastTreeOptions(new FastTreeRegressionTrainer.Options(), p, seed)));
            case ModelEngines.LightGbm:
                // LightGBM learns a direction for missing values itself.
                return classifier
                    ? ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                    {
                        NumberOfIterations = Int("number_of_iterations"), NumberOfLeaves = Int("number_of_leaves"), LearningRate = Double("learning_rate"),
                        MinimumExampleCountPerLeaf = Int("minimum_example_count_per_leaf"), NumberOfThreads = 2, Seed = seed, Silent = true,
                        Booster = new GradientBooster.Options { L2Regularization = Double("l2_regularization") }, FeatureColumnName = features,
                    })
                    : ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                    {
                        NumberOfIterations = Int("number_of_iterations"), NumberOfLeaves = Int("number_of_leaves"), LearningRate = Double("learning_rate"),
                        MinimumExampleCountPerLeaf = Int("minimum_example_count_per_leaf"), NumberOfThreads = 2, Seed = seed, Silent = true,
                        Booster = new GradientBooster.Options { L2Regularization = Double("l2_regularization") }, FeatureColumnName = features,
                    });
            case ModelEngines.Logistic:
                // Scaled by standard deviation (zero kept at zero), so a coefficient reads "per standard deviation" and L-BFGS converges.
                return ml.Transforms.ReplaceMissingValues(features, replacementMode: Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean)
                    .Append(ml.Transforms.NormalizeMeanVariance(features))
                    .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                    {
                        L1Regularization = (float)Double("l1_regularization"), L2Regularization = (float)Double("l2_regularization"),
                        OptimizationTolerance = (float)Double("optimization_tolerance"), MaximumNumberOfIterations = Int("maximum_iterations"),
                        NumberOfThreads = 1, FeatureColumnName = features,
                    }));
            default:
                throw new EncodingException($"'{engine}' is not an ML.NET engine.");
        }
    }

    /// <summary>The FastTree settings a classifier and a regressor share (their options derive from the same base).</summary>
    private static T FastTreeOptions<T>(T options, IReadOnlyDictionary<string, string> p, int seed) where T : BoostedTreeOptions
    {
        options.NumberOfTrees = int.Parse(p["number_of_trees"], CultureInfo.InvariantCulture);
        options.NumberOfLeaves = int.Parse(p["number_of_leaves"], CultureInfo.InvariantCulture);
        options.LearningRate = double.Parse(p["learning_rate"], CultureInfo.InvariantCulture);
        options.MinimumExampleCountPerLeaf = int.Parse(p["minimum_example_count_per_leaf"], CultureInfo.InvariantCulture);
        options.NumberOfThreads = 2;
        options.Seed = seed;
        options.FeatureColumnName = EncodedRows.Features;
        return options;
    }

    /// <summary>ML.NET's zip with every entry's timestamp fixed: the same model gives the same bytes.</summary>
    internal static byte[] SaveNormalised(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var saved = new MemoryStream();
        ml.Model.Save(model, schema, saved);
        saved.Position = 0;
        return Normalise(saved);
    }

    /// <summary>Rewrites a zip's entries, in their order, with a fixed timestamp and the same compression.</summary>
    public static byte[] Normalise(Stream zipFile)
    {
        using var source = new ZipArchive(zipFile, ZipArchiveMode.Read, leaveOpen: true);
        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = ModelPackage.FixedTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        return output.ToArray();
    }
}
