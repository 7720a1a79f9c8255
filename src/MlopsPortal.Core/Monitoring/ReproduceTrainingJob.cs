using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Monitoring;

public sealed record ReproducePayload(Guid ModelVersionId) : JobPayload;

/// <summary>
/// "Reproduce training": trains again from what the version's run recorded (the same dataset version, checked by its hash,
/// the same parameters, seed and features) on whichever node takes the job, and compares the package's SHA-256 with the
/// recorded one. Nothing new enters the registry: the answer is a <see cref="Reproduction"/> and its audit event.
/// </summary>
public sealed class ReproduceTrainingJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "reproduce-training";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var versionId = context.Payload<ReproducePayload>().ModelVersionId;
        ModelVersion version;
        TrainingRun run;
        ModelRegistry.Model model;
        Datasets.DatasetVersion data;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No model version {versionId}.");
            model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
            run = await db.TrainingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == version.TrainingRunId, ct)
                  ?? throw new PortalValidationException($"Version {version.Number} of '{model.Slug}' was not trained in the portal: there is no recorded run to reproduce.");
            data = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == run.DatasetVersionId, ct)
                   ?? throw new PortalValidationException($"The training data {run.DatasetVersionId} is gone: the run cannot be reproduced.");
        }
        if (data.Sha256 != run.DataSha256)
            throw new PortalValidationException($"The training data's hash is {data.Sha256}, the run recorded {run.DataSha256}: not the same data.");
        context.Progress.Log($"Training {model.Slug} v{version.Number} again: dataset version {data.Id} (sha256 {data.Sha256}), seed {run.Seed}, "
                             + $"{run.Engine} {EngineVersion(run.Engine)} (recorded {run.EngineVersion}).");
        var parameters = TrainingService.WithObjective(run.Parameters, model.Task);
        var result = await Task.Run(() => Trainer.Train(() => store.OpenRead(data.Sha256),
            new TrainingRequest(model.LabelColumn, version.Features, parameters, run.Seed, data.Sha256, model.PositiveLabel, run.Engine),
            round => context.Progress.Report(0.5, $"round {round.Round}"), ct), ct);
        var identical = result.PackageSha256 == version.PackageSha256;
        var record = new Reproduction
        {
            Id = context.Run.Id, ModelVersionId = version.Id, RecordedSha256 = version.PackageSha256, NewSha256 = result.PackageSha256,
            Identical = identical, RequestedBy = context.Run.TriggeredBy, CreatedAt = AuditChain.Now(),
        };
        var summary = identical
            ? $"identical: {model.Slug} v{version.Number} reproduced byte for byte (sha256 {result.PackageSha256})."
            : $"different: the new package's sha256 is {result.PackageSha256}, version {version.Number} recorded {version.PackageSha256}"
              + (run.EngineVersion != EngineVersion(run.Engine) ? $" (engine {EngineVersion(run.Engine)} here, {run.EngineVersion} then)." : ".");
        return new JobOutcome(summary, EntityKinds.ModelVersion, version.Id.ToString())
        {
            Persist = (db, _) =>
            {
                db.Reproductions.Add(record);
                db.Audit(Actor.Job(context.Run.JobKey).AuditName, "model-version.reproduced", EntityKinds.ModelVersion, version.Id.ToString(), new
                {
                    model = model.Slug, version = version.Number, identical, recorded = version.PackageSha256, reproduced = result.PackageSha256,
                    engine = $"{run.Engine} {EngineVersion(run.Engine)}", recordedEngine = run.EngineVersion, node = Services.Node.Id,
                });
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The version of the engine on this node: libxgboost's, or ML.NET's for its engines.</summary>
    private static string EngineVersion(string engine) => engine == ModelEngines.XGBoost ? XGBoostLibrary.Version : MlNetTraining.Version;
}