using System.Globalization;
using MlopsPortal.Engine.Datasets;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Engine.Models;

namespace MlopsPortal.Engine.Training;

/// <summary>What to train: the label, the features (all other usable columns when empty), parameters and seed.</summary>
public sealed record TrainingRequest(
    string LabelColumn, IReadOnlyList<string> Features, IReadOnlyDictionary<string, string> Parameters, int Seed,
    string TrainingDataSha256, string? PositiveLabel = null, string Engine = ModelEngines.XGBoost);

/// <summary>One boosting round's metric on the training and validation rows.</summary>
public sealed record RoundMetrics(int Round, string Metric, double Train, double Validation);

public sealed record TrainingResult(
    byte[] Package, string PackageSha256, ModelManifest Manifest, int TrainRows, int ValidationRows,
    IReadOnlyList<RoundMetrics> Rounds, ClassificationMetrics? Classification, RegressionMetrics? Regression);

/// <summary>
/// Trains a model from a CSV (contracts §2): profile the file, encode the features, split off a seeded 20 %
/// validation set (stratified for classifiers), then train with the request's engine — XGBoost round by round, or
/// one of ML.NET's (<see cref="MlNetTraining"/>) — and package the result. The same file, request and seed give the
/// same package bytes, whatever the engine.
/// </summary>
public static class Trainer
{
    public const string RoundsParameter = "num_boost_round";

    /// <summary>Defaults for tabular data; a request's parameters override them.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultParameters = new Dictionary<string, string>
    {
        [RoundsParameter] = "100", ["eta"] = "0.1", ["max_depth"] = "6", ["min_child_weight"] = "1", ["subsample"] = "0.8",
        ["colsample_bytree"] = "0.8", ["lambda"] = "1", ["tree_method"] = "hist",
        // Pinned so that the same inputs give the same model on any machine (contracts §3).
        ["nthread"] = "2",
    };

    public static TrainingResult Train(Func<Stream> openData, TrainingRequest request, Action<RoundMetrics>? onRound = null, CancellationToken ct = default)
    {
        DatasetProfile profile;
        using (var stream = openData())
            profile = DatasetProfiler.Profile(stream);
        var labelProfile = profile.Columns.FirstOrDefault(c => c.Name == request.LabelColumn)
                           ?? throw new EncodingException($"The data has no label column '{request.LabelColumn}'.");

        var engine = ModelEngines.CheckTrainable(request.Engine);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in DefaultParameters) parameters[k] = v;
        foreach (var (k, v) in request.Parameters) parameters[k] = v;
        var classifier = IsClassifier(parameters, labelProfile);
        if (engine != ModelEngines.XGBoost)
            parameters = MlNetTraining.Parameters(engine, request.Parameters);
        var rounds = 0;
        if (engine == ModelEngines.XGBoost)
        {
            parameters.TryAdd("objective", classifier ? "binary:logistic" : "reg:squarederror");
            parameters.TryAdd("eval_metric", classifier ? "logloss" : "rmse");
            parameters["seed"] = request.Seed.ToString(CultureInfo.InvariantCulture);
            if (!int.TryParse(parameters[RoundsParameter], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) || rounds is < 1 or > 10_000)
                throw new EncodingException($"{RoundsParameter} must be a whole number from 1 to 10,000, not '{parameters[RoundsParameter]}'.");
        }
        else if (engine == ModelEngines.Logistic && !classifier)
            throw new EncodingException("mlnet-logistic is a classifier: choose mlnet-fasttree, mlnet-lightgbm or xgboost for a regression model.");

        var (positive, negative) = classifier ? Classes(request.LabelColumn, LabelValues(labelProfile, openData), request.PositiveLabel) : (null, null);
        var features = request.Features.Count > 0 ? request.Features
            : profile.Columns.Where(c => c.Name != request.LabelColumn && c.Type is not (ColumnType.Text or ColumnType.Datetime)).Select(c => c.Name).ToList();
        var encodings = FeatureEncoder.Plan(profile.Columns, features);
        var label = new LabelEncoding(request.LabelColumn, positive, negative);

        EncodedTable table;
        using (var stream = openData())
            table = FeatureEncoder.Encode(stream, encodings, label);
        var (trainRows, validRows) = FeatureEncoder.Split(table.Labels, 0.2, request.Seed, stratify: classifier);
        var (trainValues, trainLabels) = FeatureEncoder.Take(table, trainRows);
        var (validValues, validLabels) = FeatureEncoder.Take(table, validRows);
        if (engine != ModelEngines.XGBoost)
        {
            ct.ThrowIfCancellationRequested();
            var (zip, validScores) = MlNetTraining.Train(engine, classifier, parameters, request.Seed,
                (trainValues, trainLabels, trainRows.Length), (validValues, validLabels, validRows.Length), table.Columns);
            var mlManifest = new ModelManifest(1, classifier ? "binaryClassification" : "regression", encodings, label, parameters, request.Seed,
                engine, MlNetTraining.Version, request.TrainingDataSha256);
            var mlPackage = ModelPackage.Write(mlManifest, zip);
            return new TrainingResult(mlPackage, ModelPackage.Sha256(mlPackage), mlManifest, trainRows.Length, validRows.Length, [],
                classifier ? Metrics.Classification(validLabels, validScores) : null,
                classifier ? null : Metrics.Regression(validLabels, validScores));
        }

        using var train = new XGBoostMatrix(trainValues, trainRows.Length, table.Columns, trainLabels);
        using var valid = new XGBoostMatrix(validValues, validRows.Length, table.Columns, validLabels);
        using var booster = XGBoostBooster.Create(train, [valid], parameters.Where(p => p.Key != RoundsParameter).ToDictionary());
        var history = new List<RoundMetrics>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            ct.ThrowIfCancellationRequested();
            if (round == 0)
                FirstRound(booster, train);
            else
                booster.UpdateOneRound(round, train);
            var metrics = booster.Evaluate(round, [("train", train), ("valid", valid)]);
            var metric = metrics.Keys.First().Metric;
            var entry = new RoundMetrics(round + 1, metric, metrics[("train", metric)], metrics[("valid", metric)]);
            history.Add(entry);
            onRound?.Invoke(entry);
        }

        var predictions = new float[validRows.Length];
        booster.Predict(validValues, validRows.Length, table.Columns, predictions);
        var manifest = new ModelManifest(1, classifier ? "binaryClassification" : "regression", encodings, label, parameters, request.Seed,
            "xgboost", XGBoostLibrary.Version, request.TrainingDataSha256);
        var package = ModelPackage.Write(manifest, booster.SaveJson());
        return new TrainingResult(package, ModelPackage.Sha256(package), manifest, trainRows.Length, validRows.Length, history,
            classifier ? Metrics.Classification(validLabels, predictions) : null,
            classifier ? null : Metrics.Regression(validLabels, predictions));
    }

    /// <summary>
    /// Checks hyperparameters before any data is read: one round on a four-row matrix, so that a misspelled
    /// name or a bad value is refused in XGBoost's own words while nothing has been queued or written.
    /// </summary>
    public static void CheckParameters(IReadOnlyDictionary<string, string> requested, string engine = ModelEngines.XGBoost)
    {
        if (ModelEngines.CheckTrainable(engine) != ModelEngines.XGBoost)
        {
            MlNetTraining.Parameters(engine, requested);
            return;
        }
        var parameters = DefaultParameters.Concat(requested).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        if (!int.TryParse(parameters[RoundsParameter], NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) || rounds is < 1 or > 10_000)
            throw new EncodingException($"{RoundsParameter} must be a whole number from 1 to 10,000, not '{parameters[RoundsParameter]}'.");
        if (parameters.TryGetValue("objective", out var objective))
            IsClassifierObjective(objective);
        parameters.Remove(RoundsParameter);
        using var matrix = new XGBoostMatrix([0f, 1f, 2f, 3f], 4, 1, [0f, 1f, 0f, 1f]);
        using var booster = XGBoostBooster.Create(matrix, [], parameters);
        FirstRound(booster, matrix);
    }

    /// <summary>The first round configures the booster: XGBoost reports unused parameters then, as a warning we turn into an error.</summary>
    private static void FirstRound(XGBoostBooster booster, XGBoostMatrix train)
    {
        using var log = XGBoostLog.Start();
        booster.UpdateOneRound(0, train);
        var unused = log.Lines.FirstOrDefault(l => l.Contains("are not used", StringComparison.Ordinal));
        if (unused is not null)
            throw new XGBoostException("XGBoost does not use a parameter (misspelled, or not one that applies to this objective and booster): " + unused[unused.IndexOf("Parameters:", StringComparison.Ordinal)..]
                .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(l => !l.StartsWith("This could be", StringComparison.Ordinal) && !l.StartsWith("but getting flagged", StringComparison.Ordinal)).Aggregate((a, b) => a + " " + b));
    }

    /// <summary>The objective decides when given; otherwise a label with two values (or a boolean or category) is a classification.</summary>
    private static bool IsClassifier(IDictionary<string, string> parameters, ColumnProfile label)
    {
        if (parameters.TryGetValue("objective", out var objective))
            return IsClassifierObjective(objective);
        return label.Type is ColumnType.Boolean or ColumnType.Categorical || label.Categories.Count == 2;
    }

    /// <summary>
    /// binary:logistic (scores are probabilities: thresholds, log loss and calibration mean something) or a
    /// reg: objective; binary:logitraw and binary:hinge would make the scores margins or 0/1.
    /// </summary>
    public static bool IsClassifierObjective(string objective) =>
        objective == "binary:logistic" ? true
        : objective.StartsWith("reg:", StringComparison.Ordinal) ? false
        : throw new EncodingException($"The objective '{objective}' is not supported: use binary:logistic for a classifier or a reg: objective for a regressor.");

    /// <summary>
    /// The positive and negative label values. The positive one is the caller's, else "1" or "true" when
    /// present, else the less frequent value (the event a classifier usually predicts).
    /// </summary>
    private static (string Positive, string Negative) Classes(string column, IReadOnlyList<KeyValuePair<string, long>> counts, string? requested)
    {
        var values = counts.Select(c => c.Key).ToList();
        if (values.Count < 2)
            throw new EncodingException($"The label '{column}' has {(values.Count == 0 ? "no values" : $"one class ('{values[0]}')")}: a classifier needs two.");
        if (values.Count > 2)
            throw new EncodingException($"The label '{column}' has {values.Count} classes ({string.Join(", ", values.Take(5).Select(v => $"'{v}'"))}…): only binary classification is supported.");
        var positive = requested
                       ?? values.FirstOrDefault(v => v is "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase))
                       ?? counts.OrderBy(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key;
        if (!values.Contains(positive))
            throw new EncodingException($"The positive label '{positive}' does not occur in '{column}' (values: {string.Join(", ", values.Select(v => $"'{v}'"))}).");
        return (positive, values.Single(v => v != positive));
    }

    /// <summary>
    /// The label's value counts. The profile keeps them for categorical and boolean columns; a numeric label
    /// (0 and 1) is counted in one more pass, stopping at the third distinct value.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, long>> LabelValues(ColumnProfile label, Func<Stream> openData)
    {
        if (label.Categories.Count > 0 || label.Type is not (ColumnType.Integer or ColumnType.Float))
            return label.Categories;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var stream = openData();
        using var reader = new CsvReader(stream, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var index = reader.Header.ToList().IndexOf(label.Name);
        while (reader.Read() && counts.Count <= 2)
        {
            var value = reader.FieldString(index);
            if (value.Length == 0) continue;
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }
        return counts.ToList();
    }
}
