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
