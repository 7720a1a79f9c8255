using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

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
        if (!ModelEngines.IsMlNet(manifest.Engine)) return null;
        using var loaded = MlNetScoringModel.Load(model, manifest);
        if (loaded.Coefficients() is not { } c) return null;
        var inputs = manifest.Features.SelectMany(f => f.InputNames).ToList();
        return (inputs.Zip(c.Weights, (name, weight) => (name, weight)).ToList(), c.Bias);
    }

    /// <summary>Reads a package and loads its model.</summary>
    public static (ModelManifest Manifest, IScoringModel Model) Load(Stream package, int threads = 0)
    {
        var (manifest, bytes) = ModelPackage.Read(package);
        return (manifest, Load(manifest, bytes, threads));
    }
}
