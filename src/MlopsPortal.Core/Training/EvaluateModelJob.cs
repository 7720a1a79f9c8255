using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Training;

/// <summary>
/// Evaluates a version on a holdout dataset version, checks every acceptance criterion, and evaluates the
/// Production version (the champion) on the same rows when there is one.
/// </summary>
public sealed class EvaluateModelJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "evaluation";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<EvaluationPayload>();
        var (version, model, data) = await VersionInputs.LoadAsync(Services, payload.ModelVersionId, payload.DatasetVersionId, ct);
        ModelVersion? champion;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
            champion = await db.ModelVersions.AsNoTracking()
                .Where(v => v.ModelId == model.Id && v.Stage == VersionStage.Production && v.Id != version.Id)
                .OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        var threshold = payload.Threshold ?? model.DecisionThreshold;
        context.Progress.Report(0.1, "evaluating");
        var result = await Task.Run(() => Evaluate(version, data, threshold, ct), ct);
        EvaluationResult? championResult = null;
        string? championProblem = null;
        if (champion is not null)
        {
            context.Progress.Report(0.55, $"evaluating the champion, version {champion.Number}");
            try
            {
                championResult = await Task.Run(() => Evaluate(champion, data, threshold, ct), ct);
            }
            catch (Exception e) when (e is EncodingException or XGBoostException)
            {
                // The challenger's evaluation stands; the comparison is left out and the page says why.
                championProblem = $"The champion, version {champion.Number}, could not be evaluated on this holdout: {e.Message}";
                context.Progress.Log(championProblem, "warn");
                champion = null;
            }
        }
        var criteria = TrainingJson.Criteria(model, result);
        var evaluation = new ModelEvaluation
        {
            Id = context.Run.Id, ModelVersionId = version.Id, DatasetVersionId = data.Id, Threshold = result.Threshold, Rows = result.Rows,
            Result = JsonSerializer.Serialize(result, TrainingJson.Options), Criteria = criteria,
            CriteriaPassed = criteria.Count == 0 ? null : criteria.All(c => c.Passed),
            ChampionVersionId = champion?.Id,
            ChampionResult = championResult is null ? null : JsonSerializer.Serialize(championResult, TrainingJson.Options),
            ChampionCriteria = championResult is null ? [] : TrainingJson.Criteria(model, championResult),
            RequestedBy = context.Run.TriggeredBy, CreatedAt = DateTime.UtcNow,
        };
        var passed = criteria.Count(c => c.Passed);
        return new JobOutcome(
            $"Version {version.Number} of {model.Slug} on {result.Rows:N0} holdout rows: " +
            (criteria.Count == 0 ? "the model has no acceptance criteria." : $"{passed} of {criteria.Count} acceptance criteria met.") +
            (champion is null ? "" : $" Compared with the champion, version {champion.Number}.") + (championProblem is null ? "" : " " + championProblem),
            EntityKinds.Evaluation, evaluation.Id.ToString())
        {
            Persist = (db, _) =>
            {
                db.ModelEvaluations.Add(evaluation);
                db.Audit(Actor.Job(context.Run.JobKey).AuditName, "evaluation.completed", EntityKinds.Evaluation, evaluation.Id.ToString(), new
                {
                    model = model.Slug, version = version.Number, datasetVersion = data.Id.ToString(), rows = result.Rows,
                    criteriaPassed = evaluation.CriteriaPassed, champion = champion?.Number,
                });
                db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.Evaluation, evaluation.Id.ToString(), "evaluated");
                db.AddLineage(EntityKinds.DatasetVersion, data.Id.ToString(), EntityKinds.Evaluation, evaluation.Id.ToString(), "holdout");
                return Task.CompletedTask;
            },
        };
    }

    private EvaluationResult Evaluate(ModelVersion version, DatasetVersion data, double threshold, CancellationToken ct)
    {
        using var package = store.OpenRead(version.PackageSha256);
        return Evaluator.Evaluate(package, () => store.OpenRead(data.Sha256), threshold, ct: ct);
    }
}
