using System.Security.Claims;
using System.Text.Json;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record Page<T>(int Total, IReadOnlyList<T> Items);
public sealed record DatasetResponse(Guid Id, string Name, string Description, IReadOnlyList<string> SensitiveColumns, int Versions,
    string CreatedBy, DateTime CreatedAt, string UpdatedBy, DateTime UpdatedAt, IReadOnlyList<DatasetVersionRow> VersionList)
{
    public static DatasetResponse From((Dataset Dataset, IReadOnlyList<DatasetVersionRow> Versions) x) => new(x.Dataset.Id, x.Dataset.Name,
        x.Dataset.Description, x.Dataset.SensitiveColumns, x.Dataset.VersionCount, x.Dataset.CreatedBy, x.Dataset.CreatedAt, x.Dataset.UpdatedBy,
        x.Dataset.UpdatedAt, x.Versions);
}
public sealed record DatasetUpdate(string? Description, List<string>? SensitiveColumns);
public sealed record RegisterPathRequest(string Name, string Path);
public sealed record DatasetVersionResponse(Guid Id, string Dataset, int Version, string Sha256, long SizeBytes, long Rows, int Columns,
    string? SourceFileName, string AddedBy, DateTime AddedAt, JsonElement Schema, JsonElement Profile, JsonElement Warnings)
{
    public static DatasetVersionResponse From(Dataset d, DatasetVersion v) => new(v.Id, d.Name, v.Version, v.Sha256, v.SizeBytes, v.RowCount,
        v.ColumnCount, v.SourceFileName, v.AddedBy, v.AddedAt, JsonDocument.Parse(v.Schema).RootElement, JsonDocument.Parse(v.Profile).RootElement,
        JsonDocument.Parse(v.Warnings).RootElement);
}
public sealed record ModelResponse(Guid Id, ModelDefinition Definition, string CreatedBy, DateTime CreatedAt, string UpdatedBy, DateTime UpdatedAt,
    IReadOnlyList<ReasonText> ReasonTexts, string? ReasonTextsSignedBy, DateTime? ReasonTextsSignedAt)
{
    public static ModelResponse From(Model m) => new(m.Id, ModelDefinition.From(m), m.CreatedBy, m.CreatedAt, m.UpdatedBy, m.UpdatedAt,
        m.ReasonTexts, m.ReasonTextsSignedBy, m.ReasonTextsSignedAt);
}
public sealed record ContractCheckResponse(string Model, Guid DatasetVersionId, bool Satisfied, IReadOnlyList<ContractViolation> Violations);

/// <summary>/api/v1 for the registry: datasets (versions are never edited) and model definitions.</summary>
public static class RegistryApi
{
    public static void MapRegistryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets", async (string? search, int? skip, int? take, DatasetService datasets, CancellationToken ct) =>
            {
                var (items, total) = await datasets.PageAsync(search, skip ?? 0, take ?? 50, ct);
                return new Page<DatasetRow>(total, items);
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Datasets with their latest version, by name; paged (skip, take ≤ 1000) and filtered by a name fragment.");

        api.MapPost("/datasets", (HttpContext http, string? name) =>
                CsvUploads.ReceiveAsync(http, Actor.FromPrincipal(http.User), name, $"{PortalApi.Prefix}/dataset-versions"))
            .RequirePolicy(Policies.EditRegistry)
            .DisableAntiforgery()
            .WithSummary("Adds a CSV as a new version (multipart/form-data: a 'name' field, then a 'file' part; streamed). 201 when new, 200 when the dataset already has these bytes.");

        api.MapPost("/datasets/register", async (RegisterPathRequest request, ClaimsPrincipal principal, DatasetService datasets, CancellationToken ct) =>
            {
                var (version, created) = await datasets.RegisterPathAsync(Actor.FromPrincipal(principal), request.Path, request.Name, ct);
                return DatasetVersionCreated.Result(version, request.Name, created, $"{PortalApi.Prefix}/dataset-versions");
            })
            .RequirePolicy(Policies.EditRegistry)
            .WithSummary("Adds a file already on the server, from a folder an Administrator allowed (Datasets:AllowedFolders).");

        api.MapGet("/datasets/{name}", async (string name, DatasetService datasets, CancellationToken ct) =>
                DatasetResponse.From(await datasets.GetAsync(name, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A dataset with its versions, newest first.");

        api.MapPatch("/datasets/{name}", async (string name, DatasetUpdate update, ClaimsPrincipal principal, DatasetService datasets, CancellationToken ct) =>
            {
                await datasets.UpdateAsync(Actor.FromPrincipal(principal), name, update.Description, update.SensitiveColumns, ct);
                return DatasetResponse.From(await datasets.GetAsync(name, ct));
            })
            .RequirePolicy(Policies.EditRegistry)
            .WithSummary("Changes a dataset's description or sensitive columns (its versions never change).");

        api.MapGet("/dataset-versions/{id:guid}", async (Guid id, DatasetService datasets, CancellationToken ct) =>
            {
                var (d, v) = await datasets.GetVersionAsync(id, ct);
                return DatasetVersionResponse.From(d, v);
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A dataset version with its schema, profile and warnings.");

        api.MapGet("/dataset-versions/{id:guid}/preview", async (Guid id, int? rows, ClaimsPrincipal principal, DatasetService datasets, CancellationToken ct) =>
                await datasets.PreviewAsync(Actor.FromPrincipal(principal), id, Math.Clamp(rows ?? DatasetService.PreviewRows, 1, DatasetService.PreviewRows), ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The first rows (at most 100); sensitive columns are masked for roles that need not see them.");

        api.MapGet("/models", async (string? search, string? riskTier, int? skip, int? take, ModelService models, CancellationToken ct) =>
            {
                RiskTier? tier = riskTier is null ? null
                    : Enum.TryParse<RiskTier>(riskTier, true, out var t) ? t
                    : throw new PortalValidationException($"'{riskTier}' is not a risk tier: use Low, Medium, High or Critical.");
                var (items, total) = await models.PageAsync(search, tier, skip ?? 0, take ?? 50, ct);
                return new Page<ModelRow>(total, items);
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Models by slug; paged (skip, take ≤ 1000), filtered by a slug or name fragment and a risk tier.");

        api.MapPost("/models", async (ModelDefinition definition, ClaimsPrincipal principal, ModelService models, CancellationToken ct) =>
            {
                var model = await models.CreateAsync(Actor.FromPrincipal(principal), definition, ct);
                return Results.Created($"{PortalApi.Prefix}/models/{model.Slug}", ModelResponse.From(model));
            })
            .RequirePolicy(Policies.EditRegistry)
            .WithSummary("Defines a model in the inventory.");

        api.MapGet("/models/{slug}", async (string slug, ModelService models, CancellationToken ct) => ModelResponse.From(await models.GetAsync(slug, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A model's whole definition.");

        api.MapPut("/models/{slug}", async (string slug, ModelDefinition definition, ClaimsPrincipal principal, ModelService models, CancellationToken ct) =>
                ModelResponse.From(await models.UpdateAsync(Actor.FromPrincipal(principal), slug, definition, ct)))
            .RequirePolicy(Policies.EditRegistry)
            .WithSummary("Replaces a model's definition (not its slug); the audit event lists what changed.");

        api.MapPut("/models/{slug}/acceptance-criteria", async (string slug, List<AcceptanceCriterion> criteria, ClaimsPrincipal principal, ModelService models, CancellationToken ct) =>
                ModelResponse.From(await models.SetAcceptanceCriteriaAsync(Actor.FromPrincipal(principal), slug, criteria, ct)))
            .RequirePolicy(Policies.EditAcceptanceCriteria)
            .WithSummary("Replaces a model's acceptance criteria (business stakeholders own them).");

        api.MapPut("/models/{slug}/reason-texts", async (string slug, List<ReasonText> texts, ClaimsPrincipal principal, ModelService models, CancellationToken ct) =>
                ModelResponse.From(await models.SetReasonTextsAsync(Actor.FromPrincipal(principal), slug, texts, ct)))
            .RequirePolicy(Policies.SignReasonTexts)
            .WithSummary("Signs a model's adverse-action reason texts ([{feature, text}], replacing the ones in force); the audit event names the signer and the texts' SHA-256.");

        api.MapGet("/models/{slug}/contract-check", async (string slug, Guid datasetVersionId, ModelService models, CancellationToken ct) =>
            {
                var violations = await models.CheckContractAsync(slug, datasetVersionId, ct);
                return new ContractCheckResponse(slug, datasetVersionId, violations.Count == 0, violations);
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Checks a dataset version against the model's data contract and lists the violations.");
    }
}
