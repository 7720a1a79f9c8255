using System.Text.Json;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Engine.Evaluation;

namespace MlopsPortal.Core.Training;

/// <summary>How evaluation results and validation metrics are stored (camelCase, like the API).</summary>
public static class TrainingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static EvaluationResult? ReadResult(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<EvaluationResult>(json, Options);

    /// <summary>A metric by its registry name (ModelRegistry.Metrics), or null when the result has no such value.</summary>
    public static double? Value(EvaluationResult result, string metric) => metric switch
    {
        "auc" => result.Classification?.Auc,
        "accuracy" => result.Classification?.Accuracy,
        "precision" => result.Classification?.Precision,
        "recall" => result.Classification?.Recall,
        "f1" => result.Classification?.F1,
        "logLoss" => result.Classification?.LogLoss,
        "brierScore" => result.Classification?.BrierScore,
        "rmse" => result.Regression?.Rmse,
        "mae" => result.Regression?.Mae,
        "r2" => result.Regression?.R2,
        _ => null,
    };

    /// <summary>Each acceptance criterion against the result; a metric that could not be computed fails.</summary>
    public static List<CriterionResult> Criteria(Model model, EvaluationResult result) =>
        model.AcceptanceCriteria.Select(c => Value(result, c.Metric) is { } value
            ? new CriterionResult(c.Metric, c.Comparator, c.Threshold, c.OwningRole, value, c.IsMetBy(value))
            : new CriterionResult(c.Metric, c.Comparator, c.Threshold, c.OwningRole, null, false)).ToList();
}
