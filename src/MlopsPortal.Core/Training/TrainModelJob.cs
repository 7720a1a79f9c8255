using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Models;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Training;

/// <summary>
/// Trains a model version. Records the run (inputs, node, engine) when it starts, reports every round
/// (the run page draws them live), and commits the version, its lineage and audit events with the outcome.
/// </summary>
public sealed class TrainModelJob(JobServices services, IArtifactStore store, IEnumerable<IFollowsRetraining> followers) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "training";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<TrainingPayload>();
        var trigger = payload.Trigger ?? (context.Run.ScheduleId is null ? TrainingTriggers.User : TrainingTriggers.Schedule);
        Model model;
        DatasetVersion data;
        string engine;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == payload.Model, ct)
                    ?? throw new PortalNotFoundException($"The model '{payload.Model}' no longer exists.");
            data = await ResolveDataAsync(db, model, payload.DatasetVersionId, ct);
            // A schedule trains on data that arrived after it was set up: check it now.
            TrainingService.CheckInputs(model, await TrainingService.SchemaAsync(db, data.Id, ct), needsLabel: true);
            engine = payload.Engine ?? await EngineOfBasisAsync(db, model, ct);
            await RecordStartAsync(db, context, model, data, payload, trigger, engine, ct);
        }

        var seed = payload.Seed ?? TrainingService.DefaultSeed;
        var parameters = TrainingService.WithObjective(payload.Parameters, model.Task);
        var rounds = int.TryParse(parameters.GetValueOrDefault(Trainer.RoundsParameter, Trainer.DefaultParameters[Trainer.RoundsParameter]), out var n) ? n : 0;
        context.Progress.Log(engine == ModelEngines.XGBoost
            ? $"Training {model.Slug} on dataset version {data.Id} ({data.RowCount:N0} rows), seed {seed}, {rounds} rounds."
            : $"Training {model.Slug} with {ModelEngines.DisplayName(engine)} on dataset version {data.Id} ({data.RowCount:N0} rows), seed {seed}.");
        var clock = Stopwatch.StartNew();
        double? prepareSeconds = null;
        var result = await Task.Run(() => Trainer.Train(() => store.OpenRead(data.Sha256),
            new TrainingRequest(model.LabelColumn, model.FeatureColumns, parameters, seed, data.Sha256, model.PositiveLabel, engine),
            round =>
            {
                prepareSeconds ??= clock.Elapsed.TotalSeconds;
                // Some metrics (rmsle on negative targets) can be NaN; no database stores NaN the same way: skip the point.
                if (double.IsFinite(round.Train) && double.IsFinite(round.Validation))
                    context.Progress.Record(new TrainingRound
                    {
                        RunId = context.Run.Id, Round = round.Round, Metric = round.Metric, Train = round.Train, Validation = round.Validation,
                    });
                context.Progress.Report((double)round.Round / Math.Max(1, rounds), $"round {round.Round} of {rounds}");
            }, ct), ct);
        var boostSeconds = clock.Elapsed.TotalSeconds - (prepareSeconds ?? 0);
        if (result.Manifest.Task != ModelService.TaskName(model.Task))
            throw new PortalValidationException($"The run trained a {result.Manifest.Task} model; '{model.Slug}' is a {ModelService.TaskName(model.Task)} model. Check the objective.");
        var blob = await store.PutAsync(new MemoryStream(result.Package), ct: ct);
        context.Progress.Log($"Package {result.PackageSha256} ({result.Package.Length:N0} bytes) after {clock.Elapsed.TotalSeconds:0.0} s.");

        var validation = JsonSerializer.Serialize((object?)result.Classification ?? result.Regression, TrainingJson.Options);
        JobOutcome? outcome = null;
        outcome = new JobOutcome("", EntityKinds.ModelVersion)
        {
            Persist = async (db, token) =>
            {
                await ModelRowLock.TakeAsync(db, model.Id, token);
                var run = await db.TrainingRuns.SingleAsync(r => r.Id == context.Run.Id, token);
                var version = await db.ModelVersions.SingleOrDefaultAsync(v => v.ModelId == model.Id && v.PackageSha256 == blob.Sha256, token);
                var reused = version is not null;
                if (version is null)
                {
                    version = new ModelVersion
                    {
                        Id = Guid.NewGuid(), ModelId = model.Id, PackageSha256 = blob.Sha256, PackageSize = blob.Length,
                        Task = result.Manifest.Task, Features = result.Manifest.Features.Select(f => f.Column).ToList(),
                        Engine = result.Manifest.Engine, EngineVersion = result.Manifest.EngineVersion, Seed = seed,
                        Hyperparameters = new Dictionary<string, string>(result.Manifest.Hyperparameters),
                        TrainingDataSha256 = data.Sha256, TrainingDatasetVersionId = data.Id, TrainingRunId = context.Run.Id,
                        CodeVersion = payload.CodeVersion, ValidationMetrics = validation,
                        TrainedBy = context.Run.TriggeredBy, CreatedAt = DateTime.UtcNow,
                    };
                    await TrainingService.AddVersionAsync(db, version, token);
                    db.Audit(Actor.Job(context.Run.JobKey).AuditName, "model-version.created", EntityKinds.ModelVersion, version.Id.ToString(), new
                    {
                        model = model.Slug, version = version.Number, sha256 = blob.Sha256, run = context.Run.Id.ToString(),
                        datasetVersion = data.Id.ToString(), trainedBy = version.TrainedBy,
                    });
                    // The data reaches the version through the run (dataset version → run, recorded when the run started).
                    db.AddLineage(EntityKinds.TrainingRun, run.Id.ToString(), EntityKinds.ModelVersion, version.Id.ToString(), "produced");
                }
                if (!reused && trigger == TrainingTriggers.DriftAlert)
                    foreach (var follower in followers)
                        await follower.RetrainedAfterAlertAsync(db, context, model, version, token);
                run.ModelVersionId = version.Id;
                run.TrainRows = result.TrainRows;
                run.ValidationRows = result.ValidationRows;
                // Only XGBoost reports its first round, which splits reading and encoding from boosting; ML.NET trains in one step.
                run.PrepareSeconds = prepareSeconds is { } prepared ? Math.Round(prepared, 3) : null;
                run.BoostSeconds = Math.Round(boostSeconds, 3);
                db.Audit(Actor.Job(context.Run.JobKey).AuditName, "training-run.completed", EntityKinds.TrainingRun, run.Id.ToString(), new
                {
                    model = model.Slug, modelVersion = version.Id.ToString(), sha256 = blob.Sha256, reused,
                });
                outcome!.OutputEntityId = version.Id.ToString();
                outcome.Summary = reused
                    ? $"Same package as version {version.Number} of {model.Slug} (same data, parameters and seed): no new version."
                    : $"Version {version.Number} of {model.Slug}: {(engine == ModelEngines.XGBoost ? $"{result.Rounds.Count} rounds" : ModelEngines.DisplayName(engine))}, {result.TrainRows:N0} training and {result.ValidationRows:N0} validation rows.";
            },
        };
        return outcome;
    }

    /// <summary>
    /// A retraining (a schedule, a drift alert) keeps the engine of the version it replaces: the Production version's, else the
    /// newest version's, when the portal trains that engine; xgboost otherwise.
    /// </summary>
    private static async Task<string> EngineOfBasisAsync(PortalDbContext db, Model model, CancellationToken ct)
    {
        var engine = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == model.Id && v.TrainingRunId != null)
            .OrderByDescending(v => v.Stage == VersionStage.Production).ThenByDescending(v => v.Number).Select(v => v.Engine).FirstOrDefaultAsync(ct);
        return engine is not null && ModelEngines.Trainable.Contains(engine) ? engine : ModelEngines.XGBoost;
    }

    /// <summary>The payload's dataset version, else the newest version of the dataset the champion (else the newest version) was trained on.</summary>
    private static async Task<DatasetVersion> ResolveDataAsync(PortalDbContext db, Model model, Guid? requested, CancellationToken ct)
    {
        if (requested is { } id)
            return await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct)
                   ?? throw new PortalNotFoundException($"The dataset version {id} no longer exists.");
        var basis = await db.ModelVersions.AsNoTracking()
            .Where(v => v.ModelId == model.Id && v.TrainingDatasetVersionId != null)
            .OrderByDescending(v => v.Stage == VersionStage.Production).ThenByDescending(v => v.Number)
            .Select(v => v.TrainingDatasetVersionId).FirstOrDefaultAsync(ct)
            ?? throw new PortalValidationException($"'{model.Slug}' has no version trained on a dataset in the portal yet, so a schedule cannot tell which data to use: start the first run by hand.");
        var datasetId = await db.DatasetVersions.Where(v => v.Id == basis).Select(v => v.DatasetId).SingleAsync(ct);
        return await db.DatasetVersions.AsNoTracking().Where(v => v.DatasetId == datasetId).OrderByDescending(v => v.Version).FirstAsync(ct);
    }

    /// <summary>Writes the run record (or refreshes it on a restarted attempt, whose rounds start over).</summary>
    private async Task RecordStartAsync(PortalDbContext db, JobContext context, Model model, DatasetVersion data, TrainingPayload payload, string trigger, string engine, CancellationToken ct)
    {
        var run = await db.TrainingRuns.SingleOrDefaultAsync(r => r.Id == context.Run.Id, ct);
        if (run is not null)
            await db.TrainingRounds.Where(r => r.RunId == run.Id).ExecuteDeleteAsync(ct);
        else
            db.AddLineage(EntityKinds.DatasetVersion, data.Id.ToString(), EntityKinds.TrainingRun, context.Run.Id.ToString(), "trained-on");
        run ??= db.TrainingRuns.Add(new TrainingRun { Id = context.Run.Id }).Entity;
        run.ModelId = model.Id;
        run.DatasetVersionId = data.Id;
        run.DataSha256 = data.Sha256;
        run.Parameters = payload.Parameters;
        run.Seed = payload.Seed ?? TrainingService.DefaultSeed;
        run.CodeVersion = payload.CodeVersion;
        run.Trigger = trigger;
        run.Reason = context.Run.Reason;
        run.RequestedBy = context.Run.TriggeredBy;
        run.NodeId = Services.Node.Id;
        run.Engine = engine;
        run.EngineVersion = engine == ModelEngines.XGBoost ? XGBoostLibrary.Version : MlNetTraining.Version;
        run.StartedAt = DateTime.UtcNow;
        db.Audit(Actor.Job(context.Run.JobKey).AuditName, "training-run.started", EntityKinds.TrainingRun, run.Id.ToString(), new
        {
            model = model.Slug, datasetVersion = data.Id.ToString(), dataSha256 = data.Sha256, seed = run.Seed, parameters = run.Parameters,
            trigger, node = run.NodeId, engine = $"{run.Engine} {run.EngineVersion}", codeVersion = run.CodeVersion,
        });
        await db.SaveChangesAsync(ct);
    }
}
