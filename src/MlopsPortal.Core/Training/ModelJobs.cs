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
using MlopsPortal.Engine.Evaluation;
using MlopsPortal.Engine.Training;
using EngineMetrics = MlopsPortal.Engine.Evaluation.Metrics;

namespace MlopsPortal.Core.Training;

/// <summary>
/// Trains a model version. Records the run (inputs, node, engine) when it starts, reports every round
/// (the run page draws them live), and commits the version, its lineage and audit events with the outcome.
/// </summary>
public sealed class TrainModelJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<TrainingPayload>();
        var trigger = payload.Trigger ?? (context.Run.ScheduleId is null ? TrainingTriggers.User : TrainingTriggers.Schedule);
        Model model;
        DatasetVersion data;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == payload.Model, ct)
                    ?? throw new PortalNotFoundException($"The model '{payload.Model}' no longer exists.");
            data = await ResolveDataAsync(db, model, payload.DatasetVersionId, ct);
            // A schedule trains on data that arrived after it was set up: check it now.
            TrainingService.CheckInputs(model, await TrainingService.SchemaAsync(db, data.Id, ct), needsLabel: true);
            await RecordStartAsync(db, context, model, data, payload, trigger, ct);
        }

        var seed = payload.Seed ?? TrainingService.DefaultSeed;
        var parameters = TrainingService.WithObjective(payload.Parameters, model.Task);
        var rounds = int.TryParse(parameters.GetValueOrDefault(Trainer.RoundsParameter, Trainer.DefaultParameters[Trainer.RoundsParameter]), out var n) ? n : 0;
        context.Progress.Log($"Training {model.Slug} on dataset version {data.Id} ({data.RowCount:N0} rows), seed {seed}, {rounds} rounds.");
        var clock = Stopwatch.StartNew();
        double? prepareSeconds = null;
        var result = await Task.Run(() => Trainer.Train(() => store.OpenRead(data.Sha256),
            new TrainingRequest(model.LabelColumn, model.FeatureColumns, parameters, seed, data.Sha256, model.PositiveLabel),
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
                await TrainingService.LockModelAsync(db, model.Id, token);
                var run = await db.TrainingRuns.SingleAsync(r => r.Id == context.Run.Id, token);
                var version = await db.ModelVersions.SingleOrDefaultAsync(v => v.ModelId == model.Id && v.PackageSha256 == blob.Sha256, token);
                var reused = version is not null;
                if (version is null)
                {
                    version = new ModelVersion
                    {
                        Id = Guid.NewGuid(), ModelId = model.Id, PackageSha256 = blob.Sha256, PackageSize = blob.Length,
                        Task = result.Manifest.Task, Features = result.Manifest.Features.Select(f => f.Column).ToList(),
                        EngineVersion = result.Manifest.EngineVersion, Seed = seed,
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
                {
                    try
                    {
                        var request = await Approvals.ApprovalService.RequestAfterRetrainingAsync(db, context.Run.TriggeredBy, model, version, token);
                        if (request is not null) context.Progress.Log($"Asked for promotion to Production: request {request.Id} (it waits for its gates and sign-offs).");
                    }
                    catch (PortalValidationException e)
                    {
                        // No policy for the tier: the version stands; someone asks by hand once a policy exists.
                        context.Progress.Log($"No promotion request: {e.Message}", "warn");
                    }
                }
                run.ModelVersionId = version.Id;
                run.TrainRows = result.TrainRows;
                run.ValidationRows = result.ValidationRows;
                run.PrepareSeconds = Math.Round(prepareSeconds ?? 0, 3);
                run.BoostSeconds = Math.Round(boostSeconds, 3);
                db.Audit(Actor.Job(context.Run.JobKey).AuditName, "training-run.completed", EntityKinds.TrainingRun, run.Id.ToString(), new
                {
                    model = model.Slug, modelVersion = version.Id.ToString(), sha256 = blob.Sha256, reused,
                });
                outcome!.OutputEntityId = version.Id.ToString();
                outcome.Summary = reused
                    ? $"Same package as version {version.Number} of {model.Slug} (same data, parameters and seed): no new version."
                    : $"Version {version.Number} of {model.Slug}: {result.Rounds.Count} rounds, {result.TrainRows:N0} training and {result.ValidationRows:N0} validation rows.";
            },
        };
        return outcome;
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
    private async Task RecordStartAsync(PortalDbContext db, JobContext context, Model model, DatasetVersion data, TrainingPayload payload, string trigger, CancellationToken ct)
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
        run.EngineVersion = XGBoostLibrary.Version;
        run.StartedAt = DateTime.UtcNow;
        db.Audit(Actor.Job(context.Run.JobKey).AuditName, "training-run.started", EntityKinds.TrainingRun, run.Id.ToString(), new
        {
            model = model.Slug, datasetVersion = data.Id.ToString(), dataSha256 = data.Sha256, seed = run.Seed, parameters = run.Parameters,
            trigger, node = run.NodeId, engine = $"xgboost {run.EngineVersion}", codeVersion = run.CodeVersion,
        });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>What evaluation and scoring read first: the version, its model and the dataset version, or a sentence saying which is gone.</summary>
internal static class VersionInputs
{
    public static async Task<(ModelVersion Version, Model Model, DatasetVersion Data)> LoadAsync(
        JobServices services, Guid versionId, Guid datasetVersionId, CancellationToken ct)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"The model version {versionId} no longer exists.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        var data = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == datasetVersionId, ct)
                   ?? throw new PortalNotFoundException($"The dataset version {datasetVersionId} no longer exists.");
        return (version, model, data);
    }
}

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

/// <summary>
/// Evaluates a version on a holdout dataset version, checks every acceptance criterion, and evaluates the
/// Production version (the champion) on the same rows when there is one.
/// </summary>
public sealed class EvaluateModelJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
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

/// <summary>
/// Scores a dataset version with a version on the CPU. The output (key columns, score, prediction) becomes a
/// new version of the dataset "&lt;model&gt;-scores", with lineage to both inputs, committed with the outcome.
/// </summary>
public sealed class ScoreBatchJob(JobServices services, IArtifactStore store, DatasetService datasets) : PortalJob(services)
{
    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<ScoringPayload>();
        var (version, model, data) = await VersionInputs.LoadAsync(Services, payload.ModelVersionId, payload.DatasetVersionId, ct);
        var threshold = payload.Threshold ?? model.DecisionThreshold;
        var (predictor, device) = ChooseDevice(context, payload.Device ?? ScoringDevices.Cpu);
        // Per attempt and node: a node taken for dead may still be writing its own file.
        var scratch = Path.Combine(Services.Paths.ArtifactsDirectory, "tmp", $"scores-{context.Run.Id:N}-{context.Run.Attempts}-{Services.Node.Id}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(scratch)!);
        try
        {
            context.Progress.Report(0.1, "scoring");
            var scored = await Task.Run(() =>
            {
                using var package = store.OpenRead(version.PackageSha256);
                using var output = new StreamWriter(scratch, false, new System.Text.UTF8Encoding(false), 1 << 16);
                return Scorer.Score(package, () => store.OpenRead(data.Sha256), output, model.KeyColumns, threshold, ct: ct, predictor: predictor);
            }, ct);
            ct.ThrowIfCancellationRequested();
            var shadow = version.Stage == VersionStage.Production ? await ShadowAsync(context, model, version, data, threshold, scratch, ct) : null;
            context.Progress.Report(0.8, "storing the scores");
            ArtifactRef blob;
            await using (var file = File.OpenRead(scratch))
                blob = await store.PutAsync(file, ct: ct);
            var profile = datasets.Profile(blob.Sha256);
            var name = $"{model.Slug}-scores";
            var fileName = $"{model.Slug}-v{version.Number}-scores.csv";
            JobOutcome? outcome = null;
            outcome = new JobOutcome("", EntityKinds.DatasetVersion)
            {
                Persist = async (db, token) =>
                {
                    // One scoring output of a model at a time: the next version number of its scores dataset is ours.
                    await TrainingService.LockModelAsync(db, model.Id, token);
                    var actor = Actor.Job(context.Run.JobKey).AuditName;
                    var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, token);
                    var output = dataset is null ? null
                        : await db.DatasetVersions.FirstOrDefaultAsync(v => v.DatasetId == dataset.Id && v.Sha256 == blob.Sha256, token);
                    output ??= datasets.Stage(db, actor, name, dataset, blob, profile, fileName);
                    // input → job ← version, job → output: the job is the node that answers "where did this prediction come from".
                    var job = context.Run.Id.ToString();
                    db.AddLineage(EntityKinds.DatasetVersion, data.Id.ToString(), EntityKinds.ScoringJob, job, "input");
                    db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.ScoringJob, job, "scored-with");
                    db.AddLineage(EntityKinds.ScoringJob, job, EntityKinds.DatasetVersion, output.Id.ToString(), "produced");
                    db.Audit(actor, "scoring.completed", EntityKinds.DatasetVersion, output.Id.ToString(), new
                    {
                        model = model.Slug, version = version.Number, input = data.Id.ToString(), rows = scored.Rows, threshold = scored.Threshold,
                        device = device.Used, requestedDevice = payload.Device ?? ScoringDevices.Cpu,
                    });
                    if (shadow is not null)
                    {
                        shadow.ChampionOutputId = output.Id;
                        db.ShadowScorings.Add(shadow);
                        db.Audit(actor, "scoring.shadow-completed", EntityKinds.ModelVersion, shadow.ChallengerVersionId.ToString(), new
                        {
                            model = model.Slug, job = job, champion = version.Number, rows = shadow.Rows, agreement = shadow.AgreementRate, sha256 = shadow.ShadowSha256,
                        });
                    }
                    outcome!.OutputEntityId = output.Id.ToString();
                    outcome.Summary = (shadow is null ? "" : $"Shadow-scored by the Staging challenger too ({shadow.AgreementRate:P1} agreement). ") + $"Scored {scored.Rows:N0} rows with version {version.Number} of {model.Slug} {device.Where}: version {output.Version} of {name}."
                                      + (device.Note is null ? "" : $" {device.Note}");
                },
            };
            return outcome;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>
    /// Shadow scoring: the champion's batch scored by the newest Staging version too, on the CPU of this node, into a blob that
    /// only the comparison page reads (no dataset version, no lineage edge, nothing downstream). A failure is logged and the
    /// champion's scores stand.
    /// </summary>
    private async Task<Monitoring.ShadowScoring?> ShadowAsync(JobContext context, Model model, ModelVersion champion, DatasetVersion data, double threshold,
        string championScratch, CancellationToken ct)
    {
        ModelVersion? challenger;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
            challenger = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == model.Id && v.Stage == VersionStage.Staging)
                .OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (challenger is null) return null;
        var scratch = championScratch + ".shadow";
        try
        {
            context.Progress.Report(0.5, $"shadow scoring with the challenger v{challenger.Number}");
            await Task.Run(() =>
            {
                using var package = store.OpenRead(challenger.PackageSha256);
                using var output = new StreamWriter(scratch, false, new System.Text.UTF8Encoding(false), 1 << 16);
                return Scorer.Score(package, () => store.OpenRead(data.Sha256), output, model.KeyColumns, threshold, ct: ct);
            }, ct);
            ArtifactRef blob;
            await using (var file = File.OpenRead(scratch))
                blob = await store.PutAsync(file, ct: ct);
            var a = Monitoring.ShadowComparison.ReadScores(championScratch);
            var b = Monitoring.ShadowComparison.ReadScores(scratch);
            var classifier = model.Task == ModelTask.BinaryClassification;
            context.Progress.Log($"Shadow scores of the challenger v{challenger.Number}: {b.Length:N0} rows, blob {blob.Sha256}.");
            return new Monitoring.ShadowScoring
            {
                Id = context.Run.Id, ModelId = model.Id, ChampionVersionId = champion.Id, ChallengerVersionId = challenger.Id, InputDatasetVersionId = data.Id,
                ShadowSha256 = blob.Sha256, Rows = b.Length, AgreementRate = classifier ? Monitoring.ShadowComparison.Agreement(a, b, threshold) : null,
                MeanAbsDifference = Monitoring.ShadowComparison.MeanAbsDifference(a, b),
                ChampionHistogram = Monitoring.ShadowComparison.Histogram(a, classifier), ChallengerHistogram = Monitoring.ShadowComparison.Histogram(b, classifier),
                CreatedAt = DateTime.UtcNow,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Progress.Log($"Shadow scoring with v{challenger.Number} failed; the champion's scores stand: {e.Message}", "warn");
            return null;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>What the job ended up using, in words for the summary, and why when it is not what was asked.</summary>
    private sealed class DeviceChoice
    {
        public string Used { get; set; } = ScoringDevices.Cpu;
        public string Where { get; set; } = "on the CPU";
        public string? Note { get; set; }
    }

    /// <summary>
    /// cpu: libxgboost. cuda: this node's GPU (the scheduler sends cuda jobs only to GPU nodes; a node without one
    /// refuses, naming what is missing). auto: the GPU when this node declared one, else the CPU, saying so.
    /// </summary>
    private (Scorer.Predictor? Predictor, DeviceChoice Device) ChooseDevice(JobContext context, string requested)
    {
        var choice = new DeviceChoice();
        if (requested == ScoringDevices.Cpu) return (null, choice);
        if (!Services.Node.HasGpu)
        {
            var why = Engine.Scoring.CudaForest.Probe().Message;
            if (requested == ScoringDevices.Cuda)
                throw new PortalValidationException($"This node ({Services.Node.Id}) cannot run a cuda job: {why}");
            choice.Note = $"auto: this node has no GPU ({why}), so it scored on the CPU.";
            context.Progress.Log(choice.Note);
            return (null, choice);
        }
        return ((json, table) =>
        {
            try
            {
                var forest = Engine.Scoring.TreeForest.FromXGBoostJson(json);
                using var cuda = new Engine.Scoring.CudaForest();
                var scores = new float[table.Rows];
                var timing = cuda.Score(forest, table.Values, table.Rows, table.Columns, scores);
                choice.Used = ScoringDevices.Cuda;
                choice.Where = $"on the GPU ({cuda.Device.DeviceName})";
                context.Progress.Log($"GPU {cuda.Device.Message}: {table.Rows:N0} rows in {timing.Total.TotalMilliseconds:N0} ms ({timing.Chunks} chunks).");
                return scores;
            }
            catch (Exception e) when (requested == ScoringDevices.Auto && e is NotSupportedException or Engine.Scoring.CudaException)
            {
                choice.Note = $"auto: the GPU could not score this model ({e.Message}), so it scored on the CPU.";
                context.Progress.Log(choice.Note);
                return null;
            }
        }, choice);
    }
}
