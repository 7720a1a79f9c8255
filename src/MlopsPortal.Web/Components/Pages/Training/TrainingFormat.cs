using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Engine.Evaluation;

namespace MlopsPortal.Web.Components.Pages.Training;

/// <summary>A dataset version as a dropdown shows it.</summary>
public sealed record VersionChoice(Guid Id, string Text);

/// <summary>Shared formatting and lookups of the training pages.</summary>
public static class TrainingFormat
{
    /// <summary>Every dataset version (newest first within a dataset), for the train, evaluate and score forms.</summary>
    public static async Task<List<VersionChoice>> DatasetVersionsAsync(IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from v in db.DatasetVersions.AsNoTracking()
                          join d in db.Datasets on v.DatasetId equals d.Id
                          orderby d.Name, v.Version descending
                          select new { v.Id, d.Name, v.Version, v.RowCount }).Take(2000).ToListAsync(ct);
        return rows.Select(r => new VersionChoice(r.Id, $"{r.Name} v{r.Version} · {r.RowCount:N0} rows")).ToList();
    }

    /// <summary>Names of metrics as the pages show them, in the order of ModelRegistry.Metrics.</summary>
    public static string MetricName(string metric) => metric switch
    {
        "auc" => "AUC", "accuracy" => "Accuracy", "precision" => "Precision", "recall" => "Recall", "f1" => "F1",
        "logLoss" => "Log loss", "brierScore" => "Brier score", "rmse" => "RMSE", "mae" => "MAE", "r2" => "R²",
        _ => metric,
    };

    /// <summary>XGBoost's evaluation metric per round in words ("logloss" → "Log loss").</summary>
    public static string EvalMetric(string metric) => metric switch
    {
        "logloss" => "Log loss", "auc" => "AUC", "rmse" => "RMSE", "mae" => "MAE", "error" => "Error rate", "aucpr" => "Area under the PR curve",
        _ => Core.Display.DisplayNames.Of(metric),
    };

    /// <summary>True when a larger value is better (AUC, accuracy, …); false for losses and errors.</summary>
    public static bool HigherIsBetter(string metric) => Core.ModelRegistry.Metrics.HigherIsBetter(metric);

    public static IReadOnlyList<string> MetricsOf(EvaluationResult result) =>
        result.Classification is not null ? Core.ModelRegistry.Metrics.Classification : Core.ModelRegistry.Metrics.Regression;

    public static string Value(double? value) => value is { } v ? v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string Stage(VersionStage stage) => stage == VersionStage.None ? "No stage" : stage.ToString();

    /// <summary>"AUC ≥ 0.75": a criterion as people read it.</summary>
    public static string Criterion(string metric, string comparator, double threshold) =>
        $"{MetricName(metric)} {comparator switch { ">=" => "≥", "<=" => "≤", _ => comparator }} {Core.Display.DisplayNames.Number(threshold)}";

    /// <summary>The model task in words ("binaryClassification" → "Binary classification").</summary>
    public static string Task(string task) => Core.Display.DisplayNames.Of(task);
}
