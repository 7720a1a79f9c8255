using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Training;

/// <summary>
/// What the training kind runs. A retraining schedule passes only the model; the job then trains on the
/// newest version of the dataset the champion (else the newest version) was trained on (contracts §2).
/// A user's request fixes the dataset version, label, features and parameters when it is made.
/// </summary>
public sealed record TrainingPayload(string Model) : JobPayload
{
    public Guid? DatasetVersionId { get; init; }
    public Dictionary<string, string> Parameters { get; init; } = [];
    public int? Seed { get; init; }
    public string? CodeVersion { get; init; }
    public string? Trigger { get; init; }
    /// <summary>The engine to train with; null (a retraining schedule) keeps the engine of the version it replaces (xgboost at first).</summary>
    public string? Engine { get; init; }
}

public sealed record EvaluationPayload(Guid ModelVersionId, Guid DatasetVersionId, double? Threshold) : JobPayload;

public sealed record ScoringPayload(Guid ModelVersionId, Guid DatasetVersionId, double? Threshold, string Device = ScoringDevices.Cpu) : JobPayload
{
    /// <summary>How many reasons (features and contributions) to write per row; 0 for none.</summary>
    public int Reasons { get; init; }
}

/// <summary>Where a scoring job runs: <c>cpu</c>; <c>cuda</c> (only on nodes that declared a GPU); <c>auto</c> (the GPU when the node has one).</summary>
public static class ScoringDevices
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";
    public const string Auto = "auto";
    public static readonly IReadOnlyList<string> All = [Cpu, Cuda, Auto];
}
