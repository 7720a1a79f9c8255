using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record ModelAuditReportRequest(Guid ModelVersionId);
public sealed record PeriodReportRequest(DateTime From, DateTime To);

/// <summary>/api/v1/reports: generate (jobs), list, download and verify signed compliance reports.</summary>
public static class ReportsApi
{
    /// <summary>Largest PDF accepted for verification (the page's file picker reads the same).</summary>
    public const long MaxVerifyBytes = InputLimits.ReportVerifyBytes;

    public static void MapReportsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/reports/model-audit", async (ModelAuditReportRequest request, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
            {
                var job = await reports.StartModelAuditAsync(Actor.FromPrincipal(principal), request.ModelVersionId, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.GenerateReports)
            .WithSummary("Generates a signed model audit report of a version (a job; the report's id is the job's).");

        api.MapPost("/reports/period", async (PeriodReportRequest request, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
            {
                var job = await reports.StartPeriodAsync(Actor.FromPrincipal(principal), request.From, request.To, ct);
                return Results.Accepted($"{PortalApi.Prefix}/jobs/{job.Id}", JobRunResponse.From(job));
            })
            .RequirePolicy(Policies.GenerateReports)
            .WithSummary("Generates a signed period report of [from, to) (a job): promotions, rejections, rollbacks, overrides, drift alerts and the operational metrics.");

        api.MapGet("/reports", async (Guid? modelVersionId, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
                await reports.ListAsync(Actor.FromPrincipal(principal), modelVersionId, ct: ct))
            .RequirePolicy(Policies.ReadReports)
            .WithSummary("The report archive, newest first: who generated what and when, with the SHA-256 of each signed file.");

        api.MapGet("/reports/{id:guid}", async (Guid id, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
                await reports.GetAsync(Actor.FromPrincipal(principal), id, ct))
            .RequirePolicy(Policies.ReadReports)
            .WithSummary("One archived report.");

        api.MapGet("/reports/{id:guid}/pdf", async (Guid id, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
            {
                var (report, pdf) = await reports.OpenAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.File(pdf, "application/pdf", report.FileName);
            })
            .RequirePolicy(Policies.ReadReports)
            .WithSummary("The signed PDF, exactly as archived.");

        api.MapPost("/reports/verify", async (HttpRequest request, ClaimsPrincipal principal, ReportService reports, CancellationToken ct) =>
            {
                var tooLarge = new BadHttpRequestException(
                    $"The file is larger than the limit of {MaxVerifyBytes >> 20} MiB for verification; reports the portal signs are far smaller.",
                    StatusCodes.Status413PayloadTooLarge);
                // Kestrel stops a longer body as it arrives; the declared length is refused before anything is read.
                if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                    size.MaxRequestBodySize = MaxVerifyBytes;
                if (request.ContentLength > MaxVerifyBytes) throw tooLarge;
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
                {
                    if (buffer.Length + read > MaxVerifyBytes) throw tooLarge;
                    buffer.Write(chunk, 0, read);
                }
                return await reports.VerifyAsync(Actor.FromPrincipal(principal), buffer.ToArray(), ct);
            })
            .RequirePolicy(Policies.ReadReports)
            .WithSummary("Whether a PDF (the request body) is a report this portal issued and unchanged: its SHA-256 is archived and its signature is valid.");

        api.MapGet("/reports/certificate", async (ReportService reports, CancellationToken ct) =>
                new { fingerprintSha256 = await reports.CertificateFingerprintAsync(ct) })
            .RequirePolicy(Policies.ReadReports)
            .WithSummary("The SHA-256 fingerprint of the certificate that signs reports.");
    }
}
