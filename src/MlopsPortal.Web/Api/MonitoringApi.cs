using System.Security.Claims;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record BandBody(double Low, double High, string? Justification);
public sealed record RulesBody(List<RollbackRule>? Rules, string? Justification);

/// <summary>
/// /api/v1 for the production loop: outcomes, live performance, shadow comparisons, confidence bands, rollback rules,
/// automatic rollbacks and "Reproduce training".
/// </summary>
public static class MonitoringApi
{
    public static void MapMonitoringApi(this RouteGroupBuilder api)
    {
        api.MapPost("/outcomes", (string? model, HttpContext http) => CsvUploads.ReceiveOutcomesAsync(http, Actor.FromPrincipal(http.User), model))
            .RequirePolicy(Policies.RunMonitoring).DisableAntiforgery()
            .WithSummary("Uploads true labels (multipart: 'model' then 'file'; or ?model=): the model's key columns and label column. 201 with matched, unknown and duplicate counts.");

        api.MapGet("/models/{slug}/outcomes", async (string slug, ModelService models, OutcomeService outcomes, CancellationToken ct) =>
                (await outcomes.ListAsync((await models.GetAsync(slug, ct)).Id, ct)).Select(u => OutcomeUploadResponse.Of(u, slug)).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A model's outcome uploads, newest first.");

        api.MapGet("/models/{slug}/live-performance", async (string slug, ModelService models, MonitoringService monitoring, CancellationToken ct) =>
                await monitoring.SnapshotsAsync((await models.GetAsync(slug, ct)).Id, ct: ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Live-performance points of the model's Production versions, newest first.");

        api.MapPost("/models/{slug}/live-performance", async (string slug, ClaimsPrincipal principal, MonitoringService monitoring, CancellationToken ct) =>
            {
                var job = await monitoring.StartLivePerformanceAsync(Actor.FromPrincipal(principal), slug, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.RunMonitoring)
            .WithSummary("Measures the Production version now (otherwise hourly and after every outcome upload); applies the signed rollback rules.");

        api.MapGet("/models/{slug}/shadow", async (string slug, ModelService models, MonitoringService monitoring, CancellationToken ct) =>
                (await monitoring.ShadowAsync(await models.GetAsync(slug, ct), ct)).Select(v => new
                {
                    v.Shadow.Id, champion = v.ChampionNumber, challenger = v.ChallengerNumber, v.Shadow.Rows, v.Shadow.AgreementRate, v.Shadow.MeanAbsDifference,
                    v.Shadow.ChampionHistogram, v.Shadow.ChallengerHistogram, v.Labelled, v.ChampionMetrics, v.ChallengerMetrics, v.Shadow.CreatedAt,
                }).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Champion against the Staging challenger on the batches the champion scored (shadow outputs), with metrics once outcomes arrive.");

        api.MapPut("/models/{slug}/confidence-band", async (string slug, BandBody body, ClaimsPrincipal principal, ModelChangeRequests modelChanges, CancellationToken ct) =>
            {
                var request = await modelChanges.ProposeBandAsync(Actor.FromPrincipal(principal), slug, new ConfidenceBand(body.Low, body.High), body.Justification, ct);
                return request is null ? Results.Ok(new { applied = true }) : Results.Accepted($"{PortalApi.Prefix}/approval-requests/{request.Id}", new { applied = false, request = request.Id });
            })
            .RequirePolicy(Policies.ProposeConfidenceBand)
            .WithSummary("Proposes the confidence band: applied at once without a Production version (200), else a request for sign-off (202).");

        api.MapPut("/models/{slug}/rollback-rules", async (string slug, RulesBody body, ClaimsPrincipal principal, ModelChangeRequests modelChanges, CancellationToken ct) =>
            {
                var request = await modelChanges.ProposeRollbackRulesAsync(Actor.FromPrincipal(principal), slug, body.Rules ?? [], body.Justification, ct);
                return Results.Accepted($"{PortalApi.Prefix}/approval-requests/{request.Id}", new { applied = false, request = request.Id });
            })
            .RequirePolicy(Policies.ProposeRollbackRules)
            .WithSummary("Proposes rollback rules (metric, comparator, threshold, minLabelledRows): a request; the signed rules authorize automatic rollbacks.");

        api.MapGet("/rollbacks", async (MonitoringService monitoring, CancellationToken ct) => await monitoring.RollbacksAsync(ct: ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Automatic rollbacks, newest first: the rule, its request, the evidence, breach and completion times.");

        api.MapPost("/model-versions/{id:guid}/reproduce", async (Guid id, ClaimsPrincipal principal, MonitoringService monitoring, CancellationToken ct) =>
            {
                var job = await monitoring.StartReproduceAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.RunMonitoring)
            .WithSummary("Trains the version again from its recorded inputs; the job's summary starts with \"identical\" or \"different\".");

        api.MapGet("/model-versions/{id:guid}/reproductions", async (Guid id, MonitoringService monitoring, CancellationToken ct) => await monitoring.ReproductionsAsync(id, ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The version's reproductions: recorded and reproduced package hashes, identical or not.");
    }
}
