using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Exports;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

/// <summary>Browser downloads and uploads (cookie authentication), streamed.</summary>
public static class PortalExports
{
    /// <summary>The antiforgery header the upload sends (DatasetUpload.razor; the antiforgery default).</summary>
    public const string UploadTokenHeader = "RequestVerificationToken";

    public static void MapPortalExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exports/audit-trail.csv", async (HttpContext http, AuditTrailService audit) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=audit-trail-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv";
            await audit.WriteCsvAsync(Actor.FromPrincipal(http.User), http.Response.Body, AuditFilterFrom(http.Request.Query), http.RequestAborted);
        }).RequireAuthorization(Policies.ReadAuditTrail);

        app.MapGet("/exports/audit-trail.json", async (HttpContext http, AuditTrailService audit) =>
        {
            http.Response.ContentType = "application/json";
            http.Response.Headers.ContentDisposition = $"attachment; filename=audit-trail-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json";
            await audit.WriteJsonAsync(Actor.FromPrincipal(http.User), http.Response.Body, AuditFilterFrom(http.Request.Query), http.RequestAborted);
        }).RequireAuthorization(Policies.ReadAuditTrail);

        app.MapGet("/exports/dataset-versions/{id:guid}/preview.csv", async (Guid id, HttpContext http, DatasetService datasets) =>
        {
            var actor = Actor.FromPrincipal(http.User);
            var preview = await datasets.PreviewAsync(actor, id, DatasetService.PreviewRows, http.RequestAborted);
            var csv = new StringBuilder();
            csv.AppendJoin(',', preview.Header.Select(CsvCells.Text)).Append("\r\n");
            foreach (var row in preview.Rows)
                csv.AppendJoin(',', row.Select(CsvCells.Value)).Append("\r\n");
            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"preview-{id}.csv");
        }).RequireAuthorization(Policies.SignedIn);

        app.MapGet("/exports/reports/{id:guid}.pdf", async (Guid id, HttpContext http, MlopsPortal.Core.Reports.ReportService reports) =>
        {
            var (report, pdf) = await reports.OpenAsync(Actor.FromPrincipal(http.User), id, http.RequestAborted);
            return Results.File(pdf, "application/pdf", report.FileName);
        }).RequireAuthorization(Policies.ReadReports);

        // A version's package for the browser (the API's /package needs a token).
        app.MapGet("/exports/model-versions/{id:guid}/package", async (Guid id, MlopsPortal.Core.Training.TrainingService training, HttpContext http) =>
        {
            var view = await training.GetVersionAsync(id, http.RequestAborted);
            return Results.File(training.OpenPackage(view.Version), "application/zip", $"{view.ModelSlug}-v{view.Version.Number}.zip");
        }).RequireAuthorization(Policies.SignedIn);

        // The browser's upload: a plain HTTP request (not the Blazor circuit), so the file streams to
        // disk with the XHR's progress events. Cookie-authenticated, so it checks the antiforgery token.
        app.MapPost("/uploads/datasets", (string? name, HttpContext http, IAntiforgery antiforgery) => BrowserUploadAsync(http, antiforgery,
            () => CsvUploads.ReceiveAsync(http, Actor.FromPrincipal(http.User), name, "/datasets/versions")))
            .RequireAuthorization(Policies.EditRegistry).DisableAntiforgery();
        app.MapPost("/uploads/outcomes", (string? model, HttpContext http, IAntiforgery antiforgery) => BrowserUploadAsync(http, antiforgery,
            () => CsvUploads.ReceiveOutcomesAsync(http, Actor.FromPrincipal(http.User), model)))
            .RequireAuthorization(Policies.EditRegistry).DisableAntiforgery();
    }

    /// <summary>
    /// The browser's uploads: plain HTTP requests (not the Blazor circuit), so the file streams to disk with the XHR's
    /// progress events. Cookie-authenticated, so they check the antiforgery token; errors become problem details in
    /// <see cref="ApiExceptionHandler"/>, like the API's.
    /// </summary>
    private static async Task<IResult> BrowserUploadAsync(HttpContext http, IAntiforgery antiforgery, Func<Task<IResult>> receive)
    {
        // Without the header, the antiforgery check would read the whole multipart body looking for a form field.
        if (string.IsNullOrEmpty(http.Request.Headers[UploadTokenHeader]))
            throw new AntiforgeryValidationException("no token header");
        await antiforgery.ValidateRequestAsync(http);
        return await receive();
    }

    /// <summary>The audit page's filter, as its export links carry it (AuditFilter.ToQuery); unreadable times are ignored.</summary>
    private static AuditFilter AuditFilterFrom(IQueryCollection q)
    {
        static DateTime? Time(string? value) => DateTime.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new AuditFilter(q["actor"], q["action"], q["entityType"], q["entityId"], Time(q["from"]), Time(q["until"]), q["q"]);
    }
}
