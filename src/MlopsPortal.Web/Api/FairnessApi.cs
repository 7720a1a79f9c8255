using System.Security.Claims;
using System.Text.Json;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record FairnessAuditResponse(
    Guid Id, Guid? ModelVersionId, Guid DatasetVersionId, string LabelColumn, string? PredictionColumn, double? Threshold,
    IReadOnlyList<string> Sensitive, bool Intersectional, int Bootstrap, int Seed, string? Verdict, JsonElement Report, JsonElement Policy,
    string RequestedBy, DateTime CreatedAt)
{
    public static FairnessAuditResponse From(FairnessAuditRecord a) => new(a.Id, a.ModelVersionId, a.DatasetVersionId, a.LabelColumn,
        a.PredictionColumn, a.Threshold, a.Sensitive, a.Intersectional, a.Bootstrap, a.Seed, a.Verdict, JsonDocument.Parse(a.Report).RootElement,
        JsonDocument.Parse(a.Policy).RootElement, a.RequestedBy, a.CreatedAt);
}

/// <summary>/api/v1 for fairness audits (jobs) and the per-tier fairness policy.</summary>
public static class FairnessApi
{
    public static void MapFairnessApi(this RouteGroupBuilder api)
    {
        api.MapPost("/fairness-audits", async (FairnessAuditRequest request, ClaimsPrincipal principal, FairnessService fairness, CancellationToken ct) =>
            {
                var job = await fairness.StartAuditAsync(Actor.FromPrincipal(principal), request, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.RunFairnessAudits)
            .WithSummary("Audits a model version's decisions (or the data's prediction column) on a dataset version (a job; the audit's id is the job's).");

        api.MapGet("/fairness-audits/{id:guid}", async (Guid id, FairnessService fairness, CancellationToken ct) =>
                FairnessAuditResponse.From(await fairness.GetAsync(id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A fairness audit: contracts §4's report, the thresholds it was judged by, and its verdict.");

        api.MapGet("/model-versions/{id:guid}/fairness-audits", async (Guid id, FairnessService fairness, CancellationToken ct) =>
                (await fairness.ForVersionAsync(id, ct)).Select(FairnessAuditResponse.From).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A version's fairness audits, newest first.");

        api.MapGet("/fairness-policies", async (FairnessService fairness, CancellationToken ct) => await fairness.PoliciesAsync(ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The fairness thresholds of each risk tier.");

        api.MapPut("/fairness-policies/{tier}", async (string tier, FairnessPolicyValues values, ClaimsPrincipal principal, FairnessService fairness, CancellationToken ct) =>
                await fairness.SetPolicyAsync(Actor.FromPrincipal(principal), Enum.TryParse<RiskTier>(tier, true, out var t) ? t
                    : throw new PortalValidationException($"'{tier}' is not a risk tier: use Low, Medium, High or Critical."), values, ct))
            .RequirePolicy(Policies.EditFairnessPolicy)
            .WithSummary("Changes a risk tier's fairness thresholds (compliance officers; audited; audits keep the thresholds they were judged by).");
    }
}
