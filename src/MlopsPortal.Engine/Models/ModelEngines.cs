using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// The engines a model package can hold (contracts §3, the manifest's <c>engine</c>): four the portal trains and
/// two it only scores (models trained elsewhere and registered from their files).
/// </summary>
public static class ModelEngines
{
    public const string XGBoost = "xgboost";
    public const string FastTree = "mlnet-fasttree";
    public const string LightGbm = "mlnet-lightgbm";
    /// <summary>A regularised logistic regression (L-BFGS): the scorecard model lenders use, with readable coefficients.</summary>
    public const string Logistic = "mlnet-logistic";
    /// <summary>An ML.NET model registered from its zip (trained elsewhere).</summary>
    public const string MlNet = "mlnet";
    /// <summary>An ONNX model registered from its file (scikit-learn, LightGBM, XGBoost or PyTorch through their converters).</summary>
    public const string Onnx = "onnx";

    public static readonly IReadOnlyList<string> Trainable = [XGBoost, FastTree, LightGbm, Logistic];

    public static bool IsMlNet(string engine) => engine is FastTree or LightGbm or Logistic or MlNet;

    /// <summary>The package entry that holds the model itself.</summary>
    public static string EntryFor(string engine) => engine switch
    {
        Onnx => "model.onnx",
        _ when IsMlNet(engine) => "model.zip",
        _ => ModelPackage.ModelEntry,
    };

    /// <summary>The engine in words, for pages, reports and the command line.</summary>
    public static string DisplayName(string engine) => engine switch
    {
        XGBoost => "XGBoost",
        FastTree => "ML.NET FastTree",
        LightGbm => "ML.NET LightGBM",
        Logistic => "ML.NET logistic regression",
        MlNet => "ML.NET",
        Onnx => "ONNX",
        _ => engine,
    };

    /// <summary>A trainable engine's name, or a sentence naming the ones there are.</summary>
    public static string CheckTrainable(string? engine)
    {
        var name = string.IsNullOrWhiteSpace(engine) ? XGBoost : engine.Trim().ToLowerInvariant();
        return Trainable.Contains(name) ? name
            : throw new EncodingException($"The engine '{engine}' is not one the portal trains: choose {string.Join(", ", Trainable)}.");
    }
}

/// <summary>
/// Per-row contributions in the model's margin (log-odds for a classifier): rows × (columns + 1), the last of each row
/// the bias. <see cref="Additive"/> says whether a row's values add up to its margin (TreeSHAP, linear models) or only
/// rank the features (ML.NET's tree contributions, which measure what flipping each split would change).
/// </summary>
public sealed record Contributions(float[] Values, int Rows, int Columns, bool Additive, string Method);

/// <summary>A model loaded once and used for many rows: scores, and where the engine can say, each row's contributions.</summary>
public interface IScoringModel : IDisposable
{
    /// <summary>Probabilities of the positive class (classifiers) or predicted values (regressors), one per row, in row order.</summary>
    float[] Predict(EncodedTable table);

    /// <summary>The contributions of <paramref name="rows"/> encoded rows, or null when the model cannot give them (say why with <see cref="NoContributionsReason"/>).</summary>
    Contributions? Explain(ReadOnlySpan<float> values, int rows, int columns);

    /// <summary>Why <see cref="Explain"/> gives nothing, in a sentence; null when it gives contributions.</summary>
    string? NoContributionsReason { get; }
}

/// <summary>Loads the model a package holds with the engine its manifest names.</summary>
public static class ScoringModels
{
    public static IScoringModel Load(ModelManifest manifest, byte[] model, int threads = 0) => manifest.Engine switch
    {
        ModelEngines.XGBoost => new XGBoostScoringModel(XGBoostBooster.Load(model, threads)),
        ModelEngines.Onnx => OnnxScoringModel.Load(model, manifest, threads),
        _ when ModelEngines.IsMlNet(manifest.Engine) => MlNetScoringModel.Load(model, manifest),
        _ => throw new InvalidDataException($"The package's engine '{manifest.Engine}' is not one this portal knows ({string.Join(", ", ModelEngines.Trainable.Append(ModelEngines.MlNet).Append(ModelEngines.Onnx))})."),
    };

    /// <summary>A linear model's coefficients per input name, and its intercept; null for models that are not linear.</summary>
    public static (IReadOnlyList<(string Input, float Weight)> Weights, float Bias)? Coefficients(ModelManifest manifest, byte[] model)
    {
        if (!IsMlNetEngine(manifest.Engine)) return null;
        using var loaded = MlNetScoringModel.Load(model, manifest);
        if (loaded.Coefficients() is not { } c) return null;
        var inputs = manifest.Features.SelectMany(f => f.InputNames).ToList();
        return (inputs.Zip(c.Weights, (name, weight) => (name, weight)).ToList(), c.Bias);
    }

    private static bool IsMlNetEngine(string engine) => ModelEngines.IsMlNet(engine);

    /// <summary>Reads a package and loads its model.</summary>
    public static (ModelManifest Manifest, IScoringModel Model) Load(Stream package, int threads = 0)
    {
        var (manifest, bytes) = ModelPackage.Read(package);
        return (manifest, Load(manifest, bytes, threads));
    }
}

/// <summary>XGBoost through its C API: TreeSHAP contributions, which add up to the margin.</summary>
internal sealed class XGBoostScoringModel(XGBoostBooster booster) : IScoringModel
{
    public XGBoostBooster Booster => booster;

    public float[] Predict(EncodedTable table)
    {
        var scores = new float[table.Rows];
        booster.Predict(table.Values, table.Rows, table.Columns, scores);
        return scores;
    }

    public Contributions Explain(ReadOnlySpan<float> values, int rows, int columns) =>
        new(booster.Contributions(values, rows, columns), rows, columns, Additive: true, "XGBoost TreeSHAP");

    public string? NoContributionsReason => null;

    public void Dispose() => booster.Dispose();
}
