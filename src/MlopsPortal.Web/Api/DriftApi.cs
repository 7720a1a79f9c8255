using System.Security.Claims;
using System.Text.Json;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record DriftReportResponse(
    Guid Id, Guid ModelId, Guid ModelVersionId, Guid ReferenceDatasetVersionId, Guid CurrentDatasetVersionId, double? DriftedShare, bool? DatasetDrift,
    int DriftedColumns, int JudgedColumns, DateTime DataArrivedAt, string RequestedBy, DateTime CreatedAt, JsonElement Report)
{
    public static DriftReportResponse From(DriftReportRecord r) => new(r.Id, r.ModelId, r.ModelVersionId, r.ReferenceDatasetVersionId,
        r.CurrentDatasetVersionId, r.DriftedShare, r.DatasetDrift, r.DriftedColumns, r.JudgedColumns, r.DataArrivedAt, r.RequestedBy, r.CreatedAt,
        JsonDocument.Parse(r.Report).RootElement);
}

public sealed record TriageBody(string? Text);
public sealed record AssignBody(string User);

/// <summary>/api/v1 for drift reports (jobs) and the triage of the alerts they raise.</summary>
public static class DriftApi
{
    public static void MapDriftApi(this RouteGroupBuilder api)
    {
        api.MapPost("/drift-reports", async (DriftReportRequest request, ClaimsPrincipal principal, DriftService drift, CancellationToken ct) =>
            {
                var job = await drift.StartReportAsync(Actor.FromPrincipal(principal), request, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.RunDriftReports)
            .WithSummary("Compares a current dataset version with a model version's training data (default: the Production version); a job whose id is the report's.");

        api.MapGet("/drift-reports/{id:guid}", async (Guid id, DriftService drift, CancellationToken ct) => DriftReportResponse.From(await drift.GetReportAsync(id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A drift report: contracts §5's columns (with bins), the share of drifted columns and the dataset verdict.");

        api.MapGet("/models/{slug}/drift-reports", async (string slug, ModelService models, DriftService drift, CancellationToken ct) =>
                (await drift.ReportsAsync((await models.GetAsync(slug, ct)).Id, ct: ct)).Select(DriftReportResponse.From).ToList())
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A model's drift reports, newest first.");

        api.MapGet("/drift-alerts", async (string? status, string? severity, DriftService drift, CancellationToken ct) =>
                await drift.AlertsAsync(Parse<AlertStatus>(status, "status"), null, Parse<AlertSeverity>(severity, "severity"), ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Drift alerts, newest first (status=Open|Acknowledged|Resolved|Dismissed, severity=Low|Medium|High|Critical).");

        api.MapGet("/drift-alerts/{id:guid}", async (Guid id, DriftService drift, CancellationToken ct) =>
            {
                var (alert, events) = await drift.GetAlertAsync(id, ct);
                return new { alert, events };
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("A drift alert with its triage history.");

        api.MapPost("/drift-alerts/{id:guid}/{action}", async (Guid id, string action, JsonElement? body, ClaimsPrincipal principal, DriftService drift, CancellationToken ct) =>
            {
                var actor = Actor.FromPrincipal(principal);
                string? Text(string name) => body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(name, out var v)
                    ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new PortalValidationException($"'{name}' is text.")
                    : null;
                switch (action)
                {
                    case "acknowledge": await drift.AcknowledgeAsync(actor, id, ct); break;
                    case "assign": await drift.AssignAsync(actor, id, Text("user") ?? "", ct); break;
                    case "comment": await drift.CommentAsync(actor, id, Text("text") ?? "", ct); break;
                    case "resolve": await drift.ResolveAsync(actor, id, Text("reason") ?? "", ct); break;
                    case "dismiss": await drift.DismissAsync(actor, id, Text("reason") ?? "", ct); break;
                    case "retrain":
                        var run = await drift.RetrainAsync(actor, id, ct);
                        return Results.Accepted($"{PortalApi.Prefix}/runs/{run.Id}", JobRunResponse.From(run));
                    default: throw new PortalNotFoundException($"No alert action '{action}': acknowledge, assign, comment, resolve, dismiss or retrain.");
                }
                return Results.Ok((await drift.GetAlertAsync(id, ct)).Alert);
            })
            .RequirePolicy(Policies.TriageAlerts)
            .WithSummary("Triage: acknowledge; assign {user}; comment {text}; resolve {reason}; dismiss {reason} (expected drift); retrain (a run triggered by the alert).");
    }

    private static T? Parse<T>(string? value, string what) where T : struct, Enum =>
        string.IsNullOrEmpty(value) ? null
        : Enum.TryParse<T>(value, true, out var v) ? v
        : throw new PortalValidationException($"'{value}' is not a {what}: {string.Join(", ", Enum.GetNames<T>())}.");
}
