using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Fairness;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Fairness;

/// <summary>
/// A fairness audit: a model version's decisions (its scores at the threshold) on a dataset version, or the
/// data's own prediction column, per sensitive attribute and their intersections, judged by the fairness
/// policy of the model's risk tier (the default policy for data without a model).
/// </summary>
public sealed class AuditFairnessJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "fairness-audit";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var request = context.Payload<FairnessAuditPayload>().Request;
        var sensitive = request.Sensitive ?? [];
        Datasets.DatasetVersion data;
        ModelVersion? version = null;
        Model? model = null;
        FairnessPolicy policy;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            data = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == request.DatasetVersionId, ct)
                   ?? throw new PortalNotFoundException($"The dataset version {request.DatasetVersionId} no longer exists.");
            if (request.ModelVersionId is { } versionId)
            {
                version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                          ?? throw new PortalNotFoundException($"The model version {versionId} no longer exists.");
                model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
            }
            policy = await FairnessService.PolicyAsync(db, model?.RiskTier ?? RiskTier.Medium, ct);
        }
        var threshold = version is null ? (double?)null : request.Threshold ?? model!.DecisionThreshold;
        context.Progress.Report(0.1, version is null ? "reading the data" : "scoring the data");
        var input = await Task.Run(() => version is null
            ? Read(data, request, sensitive)
            : Decide(version, data, sensitive, threshold!.Value), ct);
        context.Progress.Report(0.4, request.Bootstrap > 0 ? $"{request.Bootstrap} bootstrap resamples" : "computing");
        var report = await Task.Run(() => FairnessAudit.Run(input, new FairnessOptions
        {
            Intersectional = request.Intersectional, Bootstrap = request.Bootstrap ?? 0, Seed = request.Seed ?? 0,
            MinGroupSize = policy.MinGroupSize,
            Thresholds = new FairnessThresholds(policy.DisparateImpactFail, policy.DisparateImpactWarn, policy.DifferenceFail, policy.DifferenceWarn),
        }, ct), ct);
        if (report.Rows == 0)
            throw new PortalValidationException("The dataset version has no rows to audit.");

        var record = new FairnessAuditRecord
        {
            Id = context.Run.Id, ModelId = model?.Id, ModelVersionId = version?.Id, DatasetVersionId = data.Id,
            LabelColumn = model?.LabelColumn ?? request.LabelColumn!, PredictionColumn = version is null ? request.PredictionColumn : null,
            Threshold = threshold, Sensitive = sensitive, Intersectional = request.Intersectional, Bootstrap = request.Bootstrap ?? 0,
            Seed = request.Seed ?? 0, Report = JsonSerializer.Serialize(report, TrainingJson.Options), Verdict = report.Verdict,
            Policy = JsonSerializer.Serialize(new
            {
                riskTier = (model?.RiskTier ?? RiskTier.Medium).ToString(), policy.DisparateImpactFail, policy.DisparateImpactWarn,
                policy.DifferenceFail, policy.DifferenceWarn, policy.MinGroupSize, policy.UpdatedBy, policy.UpdatedAt,
            }, TrainingJson.Options),
            RequestedBy = context.Run.TriggeredBy, CreatedAt = DateTime.UtcNow,
        };
        return new JobOutcome(
            $"{(version is null ? "The data's predictions" : $"Version {version.Number} of {model!.Slug}")} on {report.Rows:N0} rows over " +
            $"{string.Join(", ", report.Disparities.Keys)}: verdict {report.Verdict ?? "none (every group is small)"}.",
            EntityKinds.FairnessAudit, record.Id.ToString())
        {
            Persist = (db, _) =>
            {
                db.FairnessAudits.Add(record);
                db.Audit(Actor.Job(context.Run.JobKey).AuditName, "fairness-audit.completed", EntityKinds.FairnessAudit, record.Id.ToString(), new
                {
                    model = model?.Slug, version = version?.Number, datasetVersion = data.Id.ToString(), rows = report.Rows,
                    sensitive, verdict = report.Verdict,
                });
                if (version is not null)
                    db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.FairnessAudit, record.Id.ToString(), "audited");
                db.AddLineage(EntityKinds.DatasetVersion, data.Id.ToString(), EntityKinds.FairnessAudit, record.Id.ToString(), "audited-on");
                return Task.CompletedTask;
            },
        };
    }

    private FairnessInput Read(Datasets.DatasetVersion data, FairnessAuditRequest request, IReadOnlyList<string> sensitive)
    {
        using var stream = store.OpenRead(data.Sha256);
        return FairnessData.Read(stream, request.LabelColumn!, request.PredictionColumn!, sensitive, request.PositiveLabel);
    }

    /// <summary>The version's labels and decisions (score ≥ threshold) on the data, with the sensitive columns.</summary>
    private FairnessInput Decide(ModelVersion version, Datasets.DatasetVersion data, IReadOnlyList<string> sensitive, double threshold)
    {
        ModelManifest manifest;
        IScoringModel model;
        using (var package = store.OpenRead(version.PackageSha256))
            (manifest, model) = ScoringModels.Load(package);
        EncodedTable table;
        using (var stream = store.OpenRead(data.Sha256))
            table = FeatureEncoder.Encode(stream, manifest.Features, manifest.Label);
        float[] scores;
        using (model)
            scores = model.Predict(table);
        List<SensitiveColumn> columns;
        using (var stream = store.OpenRead(data.Sha256))
            columns = FairnessData.ReadSensitive(stream, sensitive);
        return new FairnessInput(table.Labels.Select(l => l == 1f).ToArray(), scores.Select(s => s >= threshold).ToArray(), columns);
    }
}
