using System.Text.Json;
using System.Text.Json.Nodes;
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

public sealed record TrainingRunRequest(
    string Model, Guid DatasetVersionId, Dictionary<string, string>? Parameters = null, int? Seed = null,
    string? CodeVersion = null, string? Reason = null)
{
    /// <summary>xgboost (the default), mlnet-fasttree, mlnet-lightgbm or mlnet-logistic. A retraining from a drift alert passes the monitored run's.</summary>
    public string? Engine { get; init; }
}

/// <param name="ModelFile">An ONNX file, an ML.NET zip or XGBoost's JSON model.</param>
/// <param name="Features">The features in the order the model reads them; may be empty when the file names them (ONNX per-column inputs, XGBoost saved with feature names).</param>
public sealed record ExternalVersionRequest(
    string Model, byte[] ModelFile, List<string> Features, Guid? TrainingDatasetVersionId = null,
    string? Source = null, string? CodeVersion = null);

/// <summary>A training run as the run page and the API show it: the job run, the training record (once started) and its rounds.</summary>
public sealed record TrainingRunView(JobRun Job, TrainingRun? Training, string ModelSlug, IReadOnlyList<TrainingRound> Rounds);

/// <summary>A version with its model's slug and the number of its training dataset, for lists.</summary>
public sealed record ModelVersionView(ModelVersion Version, string ModelSlug, string? TrainingDataset, int? TrainingDatasetVersion);

/// <summary>
/// Starts training, evaluation and scoring runs (each a scheduler job) after checking everything that can be
/// checked up front, so that a bad request is refused with a clear message and queues nothing; registers
/// externally trained versions; and reads versions, runs and evaluations.
/// </summary>
public sealed class TrainingService(IDbContextFactory<PortalDbContext> dbFactory, JobService jobs, IArtifactStore store)
{
    public static readonly string[] RunRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];
    public const int DefaultSeed = 42;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="triggeredBy">Who or what asked, when not the actor alone (a drift alert: "drift-alert:ID (by user:NAME)").</param>
    public async Task<JobRun> StartRunAsync(Actor actor, TrainingRunRequest request, string? triggeredBy = null, CancellationToken ct = default)
    {
        actor.Require(RunRoles);
        InputLimits.Text(request.CodeVersion, "The code version", InputLimits.Name);
        InputLimits.Text(request.Reason, "The reason", InputLimits.Summary);
        InputLimits.List(request.Parameters?.Keys, "The parameters", InputLimits.ListItems, InputLimits.Name);
        InputLimits.List(request.Parameters?.Values, "The parameters' values", InputLimits.ListItems, InputLimits.Name);
        if (request.Seed is < 0)
            throw new PortalValidationException("The seed must be zero or a positive whole number.");
        var parameters = request.Parameters ?? [];
        if (parameters.Keys.FirstOrDefault(k => k is "seed" or "random_state") is { } seedKey)
            throw new PortalValidationException($"Set the seed with the seed field, not the parameter '{seedKey}'.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindModelAsync(db, request.Model, ct);
        var schema = await SchemaAsync(db, request.DatasetVersionId, ct);
        CheckInputs(model, schema, needsLabel: true);
        if (model.Task == ModelTask.BinaryClassification
            && schema.First(c => c.Name == model.LabelColumn).Categories is { Count: 1 } only)
            throw new PortalValidationException($"The label '{model.LabelColumn}' has one class ('{only[0]}') in this dataset version: a classifier needs two.");
        string engine;
        try
        {
            // A person's run names its engine or takes XGBoost; a retraining passes the engine of the version it replaces.
            engine = ModelEngines.CheckTrainable(request.Engine);
            if (engine == ModelEngines.Logistic && model.Task != ModelTask.BinaryClassification)
                throw new EncodingException($"mlnet-logistic is a classifier and '{model.Slug}' is a regression model: choose xgboost, mlnet-fasttree or mlnet-lightgbm.");
            if (parameters.TryGetValue("objective", out var objective) && Trainer.IsClassifierObjective(objective) != (model.Task == ModelTask.BinaryClassification))
                throw new EncodingException($"The objective '{objective}' does not fit '{model.Slug}', a {ModelService.TaskName(model.Task)} model.");
            Trainer.CheckParameters(WithObjective(parameters, model.Task), engine);
        }
        catch (EncodingException e)
        {
            throw new PortalValidationException(e.Message);
        }
        catch (XGBoostException e)
        {
            // XGBoost's message does not always name the parameter: name what was asked for.
            throw new PortalValidationException(parameters.Count == 0 ? e.Message
                : $"XGBoost refused the parameters ({string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))}): {e.Message}");
        }
        return await jobs.EnqueueAsync(actor, new JobRequest(TrainModelJob.Kind, new TrainingPayload(model.Slug)
        {
            DatasetVersionId = request.DatasetVersionId, Parameters = parameters, Seed = request.Seed ?? DefaultSeed,
            CodeVersion = string.IsNullOrWhiteSpace(request.CodeVersion) ? null : request.CodeVersion.Trim(),
            Trigger = triggeredBy?.StartsWith("drift-alert:", StringComparison.Ordinal) == true ? TrainingTriggers.DriftAlert : TrainingTriggers.User,
            Engine = engine,
        }, string.IsNullOrWhiteSpace(request.Reason) ? $"Train {model.Slug}" : request.Reason.Trim()) { TriggeredBy = triggeredBy }, ct);
    }

    /// <summary>The model's task picks the objective unless the parameters name one.</summary>
    internal static Dictionary<string, string> WithObjective(IReadOnlyDictionary<string, string> parameters, ModelTask task)
    {
        var all = new Dictionary<string, string>(parameters);
        all.TryAdd("objective", task == ModelTask.Regression ? "reg:squarederror" : "binary:logistic");
        return all;
    }

    public async Task<JobRun> StartEvaluationAsync(Actor actor, Guid versionId, Guid datasetVersionId, double? threshold, CancellationToken ct = default)
    {
        actor.Require(RunRoles);
        var (model, version) = await CheckVersionInputsAsync(versionId, datasetVersionId, threshold, needsLabel: true, ct);
        return await jobs.EnqueueAsync(actor, new JobRequest(EvaluateModelJob.Kind,
            new EvaluationPayload(versionId, datasetVersionId, threshold), $"Evaluate {model.Slug} v{version.Number}"), ct);
    }

    public async Task<JobRun> StartScoringAsync(Actor actor, Guid versionId, Guid datasetVersionId, double? threshold, CancellationToken ct = default) =>
        await StartScoringAsync(actor, versionId, datasetVersionId, threshold, ScoringDevices.Cpu, ct);

    /// <summary>
    /// Scores a dataset version on <paramref name="device"/>: "cuda" goes only to nodes that declared a GPU and is refused
    /// when none is up; "auto" takes the GPU on a node that has one and says so in the job's output.
    /// </summary>
    public async Task<JobRun> StartScoringAsync(Actor actor, Guid versionId, Guid datasetVersionId, double? threshold, string? device, CancellationToken ct = default) =>
        await StartScoringAsync(actor, versionId, datasetVersionId, threshold, device, reasons: 0, ct);

    /// <param name="reasons">How many reasons (features and their contributions) to write per row, 0 to 20; a model that cannot give them is refused up front.</param>
    public async Task<JobRun> StartScoringAsync(Actor actor, Guid versionId, Guid datasetVersionId, double? threshold, string? device, int reasons, CancellationToken ct = default)
    {
        actor.Require(RunRoles);
        if (reasons is < 0 or > 20)
            throw new PortalValidationException($"Ask for 0 to 20 reasons per row, not {reasons}.");
        device = string.IsNullOrWhiteSpace(device) ? ScoringDevices.Cpu : device.Trim().ToLowerInvariant();
        if (!ScoringDevices.All.Contains(device))
            throw new PortalValidationException($"The device '{device}' is not one of {string.Join(", ", ScoringDevices.All)}.");
        if (device == ScoringDevices.Cuda)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var recent = DateTime.UtcNow.AddMinutes(-2);
            var gpuNodes = await db.WorkerNodes.AsNoTracking().Where(n => n.StoppedAt == null && n.LastCheckInAt > recent && n.Capabilities.Contains(WorkerCapabilities.Gpu))
                .CountAsync(ct);
            if (gpuNodes == 0)
                throw new PortalValidationException("No running node has declared a GPU, so a cuda job would never start. Start a worker with "
                                                    + "'--capabilities cpu,gpu' on a machine with the NVIDIA driver and NVRTC, or choose cpu or auto. "
                                                    + $"This node: {MlopsPortal.Engine.Scoring.CudaForest.Probe().Message}");
        }
        var (model, version) = await CheckVersionInputsAsync(versionId, datasetVersionId, threshold, needsLabel: false, ct);
        if (device == ScoringDevices.Cuda && !ScoreBatchJob.GpuCapable(version.Engine))
            throw new PortalValidationException($"Version {version.Number} of '{model.Slug}' is a {ModelEngines.DisplayName(version.Engine)} model, which scores on the CPU only (XGBoost and ONNX versions score on GPUs). Choose cpu or auto.");
        if (reasons > 0 && version.Engine == ModelEngines.Onnx)
            throw new PortalValidationException($"Reasons are not available for version {version.Number} of '{model.Slug}': an ONNX model gives scores only, not each feature's contribution to them.");
        if (model.KeyColumns.Count == 0)
            throw new PortalValidationException($"The model '{model.Slug}' has no key columns: scores need them to identify rows (set them on the model's page).");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var schema = await SchemaAsync(db, datasetVersionId, ct);
            var missing = model.KeyColumns.Where(k => schema.All(c => c.Name != k)).ToList();
            if (missing.Count > 0)
                throw new PortalValidationException($"The dataset version has no key column {string.Join(", ", missing.Select(k => $"'{k}'"))}: the scores could not be matched to rows.");
        }
        return await jobs.EnqueueAsync(actor, new JobRequest(ScoreBatchJob.Kind,
            new ScoringPayload(versionId, datasetVersionId, threshold, device) { Reasons = reasons }, device == ScoringDevices.Cpu ? $"Score with {model.Slug} v{version.Number}" : $"Score with {model.Slug} v{version.Number} ({device})",
            RequiresGpu: device == ScoringDevices.Cuda), ct);
    }

    private async Task<(Model Model, ModelVersion Version)> CheckVersionInputsAsync(
        Guid versionId, Guid datasetVersionId, double? threshold, bool needsLabel, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No model version {versionId}.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        if (threshold is < 0 or > 1 or double.NaN)
            throw new PortalValidationException($"The threshold {threshold} must be between 0 and 1.");
        var schema = await SchemaAsync(db, datasetVersionId, ct);
        CheckContract(model, schema);
        var missing = version.Features.Append(needsLabel ? model.LabelColumn : null).OfType<string>()
            .Where(c => schema.All(s => s.Name != c)).ToList();
        if (missing.Count > 0)
            throw new PortalValidationException($"The dataset version has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}, which version {version.Number} of '{model.Slug}' needs.");
        return (model, version);
    }

    /// <summary>
    /// Registers a model trained elsewhere — ONNX, an ML.NET zip or XGBoost's JSON — packaged like the portal's own. Its inputs
    /// are read from the file and checked against the model's feature columns and, when declared, the schema of the dataset
    /// version it was trained on (the data contract): a mismatch is refused naming the columns and types, and nothing is stored.
    /// </summary>
    public async Task<(ModelVersion Version, bool Created)> RegisterExternalAsync(Actor actor, ExternalVersionRequest request, CancellationToken ct = default)
    {
        actor.Require(RunRoles);
        var listed = (request.Features ?? []).Select(f => f.Trim()).ToList();
        if (listed.Any(f => f.Length == 0))
            throw new PortalValidationException("A feature name is empty.");
        if (listed.Distinct(StringComparer.Ordinal).Count() != listed.Count)
            throw new PortalValidationException("A feature is listed twice.");
        InputLimits.Text(request.Source, "The source", InputLimits.Reason);
        InputLimits.Text(request.CodeVersion, "The code version", InputLimits.Name);
        InputLimits.List(request.Features, "The features", InputLimits.FeatureColumns, InputLimits.ColumnName);
        if (request.ModelFile is null || request.ModelFile.Length == 0)
            throw new PortalValidationException("The model file is empty.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindModelAsync(db, request.Model, ct);
        ExternalModel external;
        try
        {
            external = ExternalModels.Read(request.ModelFile, listed, ModelService.TaskName(model.Task));
        }
        catch (InvalidDataException e)
        {
            throw new PortalValidationException(e.Message);
        }
        if (external.Task != ModelService.TaskName(model.Task))
            throw new PortalValidationException($"The model file is a {external.Task} model; '{model.Slug}' is a {ModelService.TaskName(model.Task)} model.");
        var features = external.Features.ToList();
        if (model.FeatureColumns.Count > 0 && features.Where(f => !model.FeatureColumns.Contains(f)).ToList() is { Count: > 0 } unknown)
            throw new PortalValidationException($"The model file reads {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which {(unknown.Count == 1 ? "is not one" : "are not")} of the feature columns of '{model.Slug}' ({string.Join(", ", model.FeatureColumns)}).");
        string? dataSha = null;
        if (request.TrainingDatasetVersionId is { } dv)
        {
            dataSha = await db.DatasetVersions.Where(v => v.Id == dv).Select(v => v.Sha256).SingleOrDefaultAsync(ct)
                      ?? throw new PortalNotFoundException($"No dataset version {dv}.");
            CheckFileAgainstSchema(model, features, await SchemaAsync(db, dv, ct));
        }
        var classifier = model.Task == ModelTask.BinaryClassification;
        var positive = model.PositiveLabel ?? "1";
        var package = ExternalModels.Package(external, new LabelEncoding(model.LabelColumn, classifier ? positive : null,
            classifier ? await NegativeLabelAsync(db, model.LabelColumn, positive, request.TrainingDatasetVersionId, ct) : null), dataSha);
        var sha = ModelPackage.Sha256(package);
        if (await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.PackageSha256 == sha, ct) is { } existing)
            return (existing, false);
        var blob = await store.PutAsync(new MemoryStream(package), ct: ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ModelRowLock.TakeAsync(db, model.Id, ct);
        if (await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.PackageSha256 == sha, ct) is { } registered)
            return (registered, false);
        var version = new ModelVersion
        {
            Id = Guid.NewGuid(), ModelId = model.Id, PackageSha256 = blob.Sha256, PackageSize = blob.Length, Task = external.Task,
            Features = features, Engine = external.Engine, EngineVersion = external.EngineVersion, Hyperparameters = new Dictionary<string, string>(external.Details),
            TrainingDataSha256 = dataSha, TrainingDatasetVersionId = request.TrainingDatasetVersionId,
            ExternallyTrained = true, Source = string.IsNullOrWhiteSpace(request.Source) ? null : request.Source.Trim(),
            CodeVersion = string.IsNullOrWhiteSpace(request.CodeVersion) ? null : request.CodeVersion.Trim(),
            TrainedBy = actor.AuditName, CreatedAt = DateTime.UtcNow,
        };
        await AddVersionAsync(db, version, ct);
        db.Audit(actor.AuditName, "model-version.registered", EntityKinds.ModelVersion, version.Id.ToString(), new
        {
            model = model.Slug, version = version.Number, sha256 = sha, features = features.Count, source = version.Source,
            trainingDatasetVersion = request.TrainingDatasetVersionId?.ToString(), externallyTrained = true,
            engine = external.Engine, engineVersion = external.EngineVersion,
        });
        if (request.TrainingDatasetVersionId is { } trainedOn)
            db.AddLineage(EntityKinds.DatasetVersion, trainedOn.ToString(), EntityKinds.ModelVersion, version.Id.ToString(), "trained-on (declared)");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (version, true);
    }

    /// <summary>
    /// The data contract between a registered model file and the data it was trained on: every input is a column of the
    /// dataset version, and a number or a boolean (a model file reads numbers); the model's own contract holds too.
    /// </summary>
    private static void CheckFileAgainstSchema(Model model, IReadOnlyList<string> features, IReadOnlyList<SchemaColumn> schema)
    {
        CheckContract(model, schema);
        var missing = features.Where(f => schema.All(c => c.Name != f)).ToList();
        if (missing.Count > 0)
            throw new PortalValidationException($"The model file reads {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the dataset version does not have (its columns: {string.Join(", ", schema.Select(c => c.Name))}).");
        var mistyped = features.Select(f => schema.First(c => c.Name == f)).Where(c => c.Type is not ("integer" or "float" or "boolean")).ToList();
        if (mistyped.Count > 0)
            throw new PortalValidationException("The model file reads numbers, but in the dataset version " + string.Join(", ", mistyped.Select(c => $"'{c.Name}' is {c.Type}"))
                                                + ": encode those columns as numbers before training, or list the numeric columns the model reads.");
    }

    /// <summary>
    /// The label value a registered classifier predicts below the threshold: 0 for 1, false for true, else the
    /// other class of the declared training data's label, else "not &lt;positive&gt;".
    /// </summary>
    private static async Task<string> NegativeLabelAsync(PortalDbContext db, string label, string positive, Guid? trainedOn, CancellationToken ct)
    {
        if (positive == "1") return "0";
        if (positive.Equals("true", StringComparison.OrdinalIgnoreCase)) return positive == "true" ? "false" : "False";
        if (trainedOn is { } id && (await SchemaAsync(db, id, ct)).FirstOrDefault(c => c.Name == label)?.Categories is { Count: 2 } values && values.Contains(positive))
            return values.Single(v => v != positive);
        return $"not {positive}";
    }

    /// <summary>Gives the version its number (one more than the model's newest) and adds it.</summary>
    internal static async Task AddVersionAsync(PortalDbContext db, ModelVersion version, CancellationToken ct)
    {
        version.Number = (await db.ModelVersions.Where(v => v.ModelId == version.ModelId).MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
        db.ModelVersions.Add(version);
    }

    internal static void CheckInputs(Model model, IReadOnlyList<SchemaColumn> schema, bool needsLabel)
    {
        CheckContract(model, schema);
        var needed = model.FeatureColumns.Concat(needsLabel ? [model.LabelColumn] : []).Where(c => c.Length > 0).ToList();
        var missing = needed.Where(c => schema.All(s => s.Name != c)).ToList();
        if (missing.Count > 0)
            throw new PortalValidationException($"The dataset version has no column {string.Join(", ", missing.Select(c => $"'{c}'"))}, which the model '{model.Slug}' needs.");
    }

    /// <summary>A dataset version that breaks the model's data contract is refused, with every violation.</summary>
    internal static void CheckContract(Model model, IReadOnlyList<SchemaColumn> schema)
    {
        if (model.DataContract.Count == 0) return;
        var violations = DataContractCheck.Check(model.DataContract, schema);
        if (violations.Count > 0)
            throw new PortalValidationException($"The dataset version breaks the data contract of '{model.Slug}': " +
                                                string.Join(" ", violations.Select(v => v.Message)));
    }

    private static async Task<Model> FindModelAsync(PortalDbContext db, string slug, CancellationToken ct) =>
        await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
        ?? throw new PortalNotFoundException($"No model with the slug '{slug}'.");

    internal static async Task<List<SchemaColumn>> SchemaAsync(PortalDbContext db, Guid datasetVersionId, CancellationToken ct)
    {
        var schema = await db.DatasetVersions.AsNoTracking().Where(v => v.Id == datasetVersionId).Select(v => v.Schema).SingleOrDefaultAsync(ct)
                     ?? throw new PortalNotFoundException($"No dataset version {datasetVersionId}.");
        return JsonSerializer.Deserialize<List<SchemaColumn>>(schema, Json)!;
    }

    public async Task<IReadOnlyList<ModelVersionView>> VersionsAsync(string slug, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindModelAsync(db, slug, ct);
        return await ViewsAsync(db, db.ModelVersions.Where(v => v.ModelId == model.Id).OrderByDescending(v => v.Number), ct);
    }

    public async Task<ModelVersionView> GetVersionAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await ViewsAsync(db, db.ModelVersions.Where(v => v.Id == id), ct)).SingleOrDefault()
               ?? throw new PortalNotFoundException($"No model version {id}.");
    }

    private static async Task<List<ModelVersionView>> ViewsAsync(PortalDbContext db, IQueryable<ModelVersion> versions, CancellationToken ct)
    {
        var rows = await versions.AsNoTracking().Select(v => new
        {
            Version = v,
            Slug = db.Models.Where(m => m.Id == v.ModelId).Select(m => m.Slug).First(),
            Data = db.DatasetVersions.Where(d => d.Id == v.TrainingDatasetVersionId)
                .Select(d => new { d.Version, Name = db.Datasets.Where(s => s.Id == d.DatasetId).Select(s => s.Name).First() }).FirstOrDefault(),
        }).ToListAsync(ct);
        return rows.Select(r => new ModelVersionView(r.Version, r.Slug, r.Data?.Name, r.Data?.Version)).ToList();
    }

    /// <summary>The package's bytes, for download and for jobs.</summary>
    public Stream OpenPackage(ModelVersion version) => store.OpenRead(version.PackageSha256);

    /// <summary>A training run; rounds after <paramref name="afterRound"/> only, so that a live page fetches what is new.</summary>
    public async Task<TrainingRunView> GetRunAsync(Guid id, int afterRound = 0, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.JobRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Kind == TrainModelJob.Kind, ct)
                  ?? throw new PortalNotFoundException($"No training run {id}.");
        var training = await db.TrainingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        var slug = training is null
            ? JobPayload.Read<TrainingPayload>(job.Payload, job.PayloadVersion).Model
            : await db.Models.Where(m => m.Id == training.ModelId).Select(m => m.Slug).SingleAsync(ct);
        var rounds = await db.TrainingRounds.AsNoTracking().Where(r => r.RunId == id && r.Round > afterRound).OrderBy(r => r.Round).ToListAsync(ct);
        return new TrainingRunView(job, training, slug, rounds);
    }

    /// <summary>The model's training runs, newest first, with their job runs.</summary>
    public async Task<IReadOnlyList<(TrainingRun Training, JobRun Job)>> RunsAsync(string slug, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindModelAsync(db, slug, ct);
        var rows = await (from t in db.TrainingRuns.AsNoTracking()
                          join j in db.JobRuns.AsNoTracking() on t.Id equals j.Id
                          where t.ModelId == model.Id
                          orderby t.StartedAt descending
                          select new { t, j }).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return rows.Select(r => (r.t, r.j)).ToList();
    }

    public async Task<IReadOnlyList<ModelEvaluation>> EvaluationsAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == versionId).OrderByDescending(e => e.CreatedAt).ToListAsync(ct);
    }

    public async Task<ModelEvaluation> GetEvaluationAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ModelEvaluations.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct)
               ?? throw new PortalNotFoundException($"No evaluation {id}.");
    }
}
