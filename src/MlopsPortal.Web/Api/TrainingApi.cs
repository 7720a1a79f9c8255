using System.Security.Claims;
using System.Text;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Web.Api;

/// <param name="Engine">xgboost (default), mlnet-fasttree, mlnet-lightgbm or mlnet-logistic.</param>
public sealed record RunRequest(
    string Model, Guid DatasetVersionId, Dictionary<string, string>? Parameters = null, int? Seed = null, string? CodeVersion = null, string? Reason = null,
    string? Engine = null);

public sealed record RunResponse(JobRunResponse Job, TrainingRun? Training, string Model, IReadOnlyList<TrainingRound> Rounds)
{
    public static RunResponse From(TrainingRunView v) => new(JobRunResponse.From(v.Job), v.Training, v.ModelSlug, v.Rounds);
}

/// <summary>
/// An externally trained model: XGBoost's JSON model as a JSON value (<c>modelJson</c>), or any model file — ONNX, an ML.NET
/// zip, XGBoost's JSON — as base64 (<c>modelFile</c>); and the features it reads, in order (optional where the file names them).
/// </summary>
public sealed record ExternalVersionBody(
    JsonElement? ModelJson, List<string>? Features, Guid? TrainingDatasetVersionId = null, string? Source = null, string? CodeVersion = null,
    string? ModelFile = null);

public sealed record VersionResponse(
    Guid Id, string Model, int Number, string PackageSha256, long PackageSize, string Task, IReadOnlyList<string> Features, string Engine,
    string EngineVersion, int? Seed, IReadOnlyDictionary<string, string> Hyperparameters, string? TrainingDataSha256, Guid? TrainingDatasetVersionId,
    string? TrainingDataset, int? TrainingDatasetVersion, Guid? TrainingRunId, bool ExternallyTrained, string? Source, string? CodeVersion,
    string Stage, JsonElement? ValidationMetrics, string TrainedBy, DateTime CreatedAt)
{
    public static VersionResponse From(ModelVersionView x)
    {
        var v = x.Version;
        return new(v.Id, x.ModelSlug, v.Number, v.PackageSha256, v.PackageSize, v.Task, v.Features, v.Engine, v.EngineVersion, v.Seed,
            v.Hyperparameters, v.TrainingDataSha256, v.TrainingDatasetVersionId, x.TrainingDataset, x.TrainingDatasetVersion, v.TrainingRunId,
            v.ExternallyTrained, v.Source, v.CodeVersion, JsonNaming.Camel(v.Stage.ToString()),
            v.ValidationMetrics is null ? null : JsonDocument.Parse(v.ValidationMetrics).RootElement, v.TrainedBy, v.CreatedAt);
    }
}

/// <param name="Reasons">Scoring: how many reasons (feature and contribution) to write per row, 0 (default) to 20.</param>
public sealed record VersionJobRequest(Guid ModelVersionId, Guid DatasetVersionId, double? Threshold = null, string? Device = null, int Reasons = 0);

public sealed record EvaluationResponse(
    Guid Id, Guid ModelVersionId, Guid DatasetVersionId, double? Threshold, int Rows, JsonElement Result, IReadOnlyList<CriterionResult> Criteria,
    bool? CriteriaPassed, Guid? ChampionVersionId, JsonElement? ChampionResult, IReadOnlyList<CriterionResult> ChampionCriteria,
    string RequestedBy, DateTime CreatedAt)
{
    public static EvaluationResponse From(ModelEvaluation e) => new(e.Id, e.ModelVersionId, e.DatasetVersionId, e.Threshold, e.Rows,
        JsonDocument.Parse(e.Result).RootElement, e.Criteria, e.CriteriaPassed, e.ChampionVersionId,
        e.ChampionResult is null ? null : JsonDocument.Parse(e.ChampionResult).RootElement, e.ChampionCriteria, e.RequestedBy, e.CreatedAt);
}

internal static class JsonNaming
{
    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>/api/v1 for training runs, model versions, evaluations and scoring jobs. Runs are jobs: 202 with the job's address.</summary>
public static class TrainingApi
{
    public static void MapTrainingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/runs", async (RunRequest request, ClaimsPrincipal principal, TrainingService training, CancellationToken ct) =>
            {
                var job = await training.StartRunAsync(Actor.FromPrincipal(principal), new TrainingRunRequest(
                    request.Model, request.DatasetVersionId, request.Parameters, request.Seed, request.CodeVersion, request.Reason) { Engine = request.Engine }, ct: ct);
                return Results.Accepted($"{PortalApi.Prefix}/runs/{job.Id}", RunResponse.From(await training.GetRunAsync(job.Id, ct: ct)));
            })
            .RequirePolicy(Policies.TrainModels)
            .WithSummary("Starts a training run (a job): parameters are checked by XGBoost first; 202 with the run's address. Cancel with POST /jobs/{id}/cancel.");

        api.MapGet("/runs/{id:guid}", async (Guid id, int? afterRound, TrainingService training, CancellationToken ct) =>
                RunResponse.From(await training.GetRunAsync(id, afterRound ?? 0, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A training run: status, progress, what it recorded, and its rounds (only those after afterRound).");

        api.MapGet("/models/{slug}/versions", async (string slug, TrainingService training, CancellationToken ct) =>
                (await training.VersionsAsync(slug, ct)).Select(VersionResponse.From).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A model's versions, newest first.");

        api.MapPost("/models/{slug}/versions", async (string slug, ExternalVersionBody body, ClaimsPrincipal principal, TrainingService training, CancellationToken ct) =>
            {
                var (version, created) = await training.RegisterExternalAsync(Actor.FromPrincipal(principal), new ExternalVersionRequest(
                    slug, ModelFileOf(body), body.Features ?? [], body.TrainingDatasetVersionId, body.Source, body.CodeVersion), ct);
                var response = VersionResponse.From(await training.GetVersionAsync(version.Id, ct));
                return created ? Results.Created($"{PortalApi.Prefix}/model-versions/{version.Id}", response) : Results.Ok(response);
            })
            .RequirePolicy(Policies.TrainModels)
            // A model file of up to MaxModelFileBytes, as base64 in JSON (4/3 of its size) with room for the other fields.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxModelFileBytes / 3 * 4 + (1 << 20)))
            .WithSummary("Registers a model trained elsewhere (ONNX, ML.NET zip or XGBoost JSON, up to 128 MiB; marked externally trained). 201 when new, 200 when the model already has this package.");

        api.MapGet("/model-versions/{id:guid}", async (Guid id, TrainingService training, CancellationToken ct) =>
                VersionResponse.From(await training.GetVersionAsync(id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A model version: its package hash, manifest fields and lineage ids.");

        api.MapGet("/model-versions/{id:guid}/package", async (Guid id, TrainingService training, CancellationToken ct) =>
            {
                var view = await training.GetVersionAsync(id, ct);
                return Results.File(training.OpenPackage(view.Version), "application/zip", $"{view.ModelSlug}-v{view.Version.Number}.zip");
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The model package (zip of manifest.json and the model in its engine's format: model.json, model.zip or model.onnx); its SHA-256 is the version's packageSha256.");

        api.MapGet("/model-versions/{id:guid}/evaluations", async (Guid id, TrainingService training, CancellationToken ct) =>
                (await training.EvaluationsAsync(id, ct)).Select(EvaluationResponse.From).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A version's evaluations, newest first.");

        api.MapPost("/evaluations", async (VersionJobRequest request, ClaimsPrincipal principal, TrainingService training, CancellationToken ct) =>
            {
                var job = await training.StartEvaluationAsync(Actor.FromPrincipal(principal), request.ModelVersionId, request.DatasetVersionId, request.Threshold, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.TrainModels)
            .WithSummary("Evaluates a version on a holdout dataset version (a job; the evaluation's id is the job's). With a Production version, compares the two.");

        api.MapGet("/evaluations/{id:guid}", async (Guid id, TrainingService training, CancellationToken ct) =>
                EvaluationResponse.From(await training.GetEvaluationAsync(id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("An evaluation: metrics, calibration, confusion matrix, importance, criteria, and the champion's side.");

        api.MapPost("/scoring-jobs", async (VersionJobRequest request, ClaimsPrincipal principal, TrainingService training, CancellationToken ct) =>
            {
                var job = await training.StartScoringAsync(Actor.FromPrincipal(principal), request.ModelVersionId, request.DatasetVersionId, request.Threshold,
                    request.Device, request.Reasons, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.TrainModels)
            .WithSummary("Scores a dataset version (a job) on device cpu (default), cuda (GPU nodes only; refused when none is up) or auto (the GPU when the "
                         + "node has one); its output is a new version of '<model>-scores' (outputEntityId).");
    }

    /// <summary>The largest model file a registration takes (it is checked in memory).</summary>
    public const int MaxModelFileBytes = 128 << 20;

    /// <summary>The model file of a registration body: base64 <c>modelFile</c>, or <c>modelJson</c> (XGBoost's JSON as a value); one of them.</summary>
    private static byte[] ModelFileOf(ExternalVersionBody body)
    {
        if (body.ModelFile is { Length: > 0 } encoded)
        {
            if (body.ModelJson is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) })
                throw new PortalValidationException("Send the model as modelFile (base64) or as modelJson, not both.");
            try
            {
                return Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new PortalValidationException("modelFile must be the model file's bytes in base64.");
            }
        }
        if (body.ModelJson is not { ValueKind: JsonValueKind.Object } json)
            throw new PortalValidationException("Send the model file as modelFile (base64: ONNX, an ML.NET zip or XGBoost's JSON) or XGBoost's JSON model as modelJson (the object Booster.save_model writes).");
        return Encoding.UTF8.GetBytes(json.GetRawText());
    }
}