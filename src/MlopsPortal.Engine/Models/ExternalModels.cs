using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// A model trained elsewhere, as read from its file: the engine, the engine's version, the task, the features in the
/// order the model reads them, and what the file says about where it came from.
/// </summary>
public sealed record ExternalModel(string Engine, string EngineVersion, string Task, IReadOnlyList<string> Features, IReadOnlyDictionary<string, string> Details, byte[] Bytes);

/// <summary>
/// Reads model files from other tools — ONNX, an ML.NET zip, XGBoost's JSON — and packages them like the portal's own,
/// so every scorer, evaluation, fairness audit and report reads them the same way. Anything else is refused in a sentence.
/// </summary>
public static class ExternalModels
{
    /// <param name="features">The features in the model's order; needed where the file does not name them (one ONNX matrix input, an ML.NET vector, an XGBoost model without feature names).</param>
    /// <param name="task">binaryClassification or regression; null reads it from the file.</param>
    public static ExternalModel Read(byte[] bytes, IReadOnlyList<string>? features, string? task)
    {
        if (bytes.Length == 0) throw new InvalidDataException("The model file is empty.");
        return bytes[0] switch
        {
            (byte)'{' => ReadXGBoost(bytes, features, task),
            (byte)'P' when bytes.Length > 1 && bytes[1] == (byte)'K' => ReadMlNet(bytes, features, task),
            _ => ReadOnnx(bytes, features, task),
        };
    }

    /// <summary>A package for the model, its label mapping and (when declared) the SHA-256 of the data it was trained on.</summary>
    public static byte[] Package(ExternalModel model, LabelEncoding label, string? trainingDataSha256) =>
        ModelPackage.Write(new ModelManifest(1, model.Task, model.Features.Select(f => new FeatureEncoding(f, FeatureKind.Numeric, [])).ToList(), label,
            new SortedDictionary<string, string>(model.Details.ToDictionary(), StringComparer.Ordinal), 0, model.Engine, model.EngineVersion, trainingDataSha256 ?? ""), model.Bytes);

    private static ExternalModel ReadOnnx(byte[] bytes, IReadOnlyList<string>? features, string? task)
    {
        var classifier = task is null ? null : (bool?)(task == "binaryClassification");
        OnnxModelDescription description;
        try
        {
            description = OnnxScoringModel.Describe(bytes, classifier ?? true);
            classifier ??= true;
        }
        catch (InvalidDataException) when (classifier is null)
        {
            // No probabilities output: read it as a regressor.
            description = OnnxScoringModel.Describe(bytes, false);
            classifier = false;
        }
        IReadOnlyList<string> names;
        if (description.OneMatrix)
            names = Listed(features, description.FeatureCount, $"The ONNX model reads one matrix of {description.FeatureCount} features ('{description.Inputs[0].Name}'): list the features in the order the model reads them.");
        else
        {
            names = description.Inputs.Select(i => i.Name).ToList();
            if (features is { Count: > 0 } && !features.SequenceEqual(names))
                throw new InvalidDataException($"The ONNX model's inputs are {string.Join(", ", names.Select(n => $"'{n}'"))}; the features listed are {string.Join(", ", features.Select(n => $"'{n}'"))}.");
        }
        return new ExternalModel(ModelEngines.Onnx, description.RuntimeVersion, classifier.Value ? "binaryClassification" : "regression", names,
            new Dictionary<string, string> { ["onnx.producer"] = description.Producer, ["onnx.output"] = description.ScoreOutput }, bytes);
    }

    private static ExternalModel ReadMlNet(byte[] bytes, IReadOnlyList<string>? features, string? task)
    {
        var ml = new MLContext(seed: 0);
        ITransformer model;
        DataViewSchema input;
        try
        {
            model = ml.Model.Load(new MemoryStream(bytes, writable: false), out input);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidDataException or System.IO.InvalidDataException)
        {
            throw new InvalidDataException($"The zip is not an ML.NET model ML.NET {MlNetTraining.Version} can load: {e.Message.TrimEnd('.')}.", e);
        }
        var output = model.GetOutputSchema(input);
        var classifier = task is null ? output.GetColumnOrNull("Probability") is not null : task == "binaryClassification";
        if (classifier && output.GetColumnOrNull("Probability") is null)
            throw new InvalidDataException("The ML.NET model gives no 'Probability' column: a classifier needs a calibrated binary trainer.");
        var scoring = MlNetScoringModel.Load(bytes, classifier);
        var names = Listed(features, scoring.Columns, $"The ML.NET model reads a vector of {scoring.Columns} features: list them in the order the model reads them.");
        // Saved with fixed timestamps, so registering the same model twice gives the same package.
        return new ExternalModel(ModelEngines.MlNet, MlNetTraining.Version, classifier ? "binaryClassification" : "regression", names,
            new Dictionary<string, string>(), MlNetTraining.Normalise(new MemoryStream(bytes, writable: false)));
    }

    /// <summary>XGBoost's JSON format: the objective gives the task, learner.feature_names the features when saved with them.</summary>
    public static ExternalModel ReadXGBoost(byte[] bytes, IReadOnlyList<string>? features, string? task)
    {
        try
        {
            using (XGBoostBooster.Load(bytes)) { }
        }
        catch (XGBoostException e)
        {
            throw new InvalidDataException(e.Message);
        }
        JsonNode root;
        try
        {
            root = JsonNode.Parse(bytes) ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            throw new InvalidDataException("The model file is not XGBoost's JSON format: save it with Booster.save_model(\"model.json\") (UBJSON and the binary format are not accepted).");
        }
        var objective = root["learner"]?["objective"]?["name"]?.ToString() ?? "";
        bool classifier;
        try
        {
            classifier = Trainer.IsClassifierObjective(objective);
        }
        catch (EncodingException e)
        {
            throw new InvalidDataException($"The model file's objective: {e.Message}");
        }
        var found = classifier ? "binaryClassification" : "regression";
        if (task is not null && task != found)
            throw new InvalidDataException($"The model file is a {found} model; the model it is registered to is a {task} model.");
        var version = root["version"] is JsonArray parts ? string.Join('.', parts.Select(p => p?.ToString())) : "unknown";
        if (!int.TryParse(root["learner"]?["learner_model_param"]?["num_feature"]?.ToString(), CultureInfo.InvariantCulture, out var count))
            throw new InvalidDataException("The model file does not say how many features it reads (learner.learner_model_param.num_feature).");
        var saved = root["learner"]?["feature_names"] is JsonArray names && names.Count == count ? names.Select(n => n!.ToString()).ToList() : null;
        var listed = features is { Count: > 0 } ? features : saved;
        if (listed is null)
            throw new InvalidDataException($"The model reads {count} features and its file does not name them: list them in the order the model reads them.");
        if (listed.Count != count)
            throw new InvalidDataException($"The model reads {count} features; {listed.Count} are listed.");
        return new ExternalModel(ModelEngines.XGBoost, version, found, listed, new Dictionary<string, string>(), bytes);
    }

    private static IReadOnlyList<string> Listed(IReadOnlyList<string>? features, int count, string ask) =>
        features is not { Count: > 0 } ? throw new InvalidDataException(ask)
        : features.Count != count ? throw new InvalidDataException($"The model reads {count} features; {features.Count} are listed.")
        : features;
}
