using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

/// <summary>
/// The one error path of the API and the browser's upload and download endpoints: every exception and every bodiless
/// error status becomes RFC 7807 problem+json here, and nowhere else (style guide, "One error path").
/// </summary>
public static class ApiProblems
{
    /// <summary>Paths whose callers read problem+json (scripts, the upload XHR), never an HTML error page.</summary>
    public static bool Handles(HttpContext http)
    {
        // Inside the exception handler the request already points at /Error: judge by the path that failed.
        var path = http.Features.Get<IExceptionHandlerPathFeature>()?.Path is { } failed ? new PathString(failed) : http.Request.Path;
        return path.StartsWithSegments(PortalApi.Prefix) || path.StartsWithSegments("/uploads") || path.StartsWithSegments("/exports");
    }

    /// <summary>Status, title and the sentence a caller sees, or null for an exception nobody expected (500).</summary>
    public static (int Status, string Title, string Detail)? Describe(Exception e) => e switch
    {
        PortalValidationException => (400, "Invalid request", e.Message),
        PortalForbiddenException => (403, "Forbidden", e.Message),
        PortalNotFoundException => (404, "Not found", e.Message),
        AntiforgeryValidationException => (400, "Invalid request", "The page's security token is missing or stale: reload the page and try again."),
        // Model binding: a malformed JSON body or query value; the message names the parameter (ThrowOnBadRequest).
        BadHttpRequestException b => (b.StatusCode, Title(b.StatusCode), Explain(b)),
        AuditChainHeadMissingException => (503, "Audit trail unavailable", e.Message),
        _ => null,
    };

    /// <summary>Writes a problem for <paramref name="status"/> with the standard title and the given sentence.</summary>
    public static ValueTask WriteAsync(HttpContext http, int status, string? detail, string? title = null)
    {
        http.Response.StatusCode = status;
        return WriteProblemAsync(http, new ProblemDetails { Status = status, Title = title ?? Title(status), Detail = detail });
    }

    /// <summary>For UseStatusCodePages: a status set without a body (no such route, wrong method or media type).</summary>
    public static async Task WriteStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        await WriteAsync(http, status, status switch
        {
            404 => $"There is no {http.Request.Path} in the API (see {PortalApi.Prefix}/openapi.json).",
            405 => $"{http.Request.Path} does not accept {http.Request.Method}.",
            415 => "Send the body as application/json.",
            _ => null,
        });
    }

    private static async ValueTask WriteProblemAsync(HttpContext http, ProblemDetails problem)
    {
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
            await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
    }

    private static string Title(int status) => status switch
    {
        400 => "Invalid request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        413 => "Request body too large",
        415 => "Unsupported media type",
        503 => "Service unavailable",
        _ => "Error",
    };

    private static string Explain(BadHttpRequestException e) =>
        e.InnerException is JsonException json
            ? $"{e.Message} {json.Message}"
            : e.Message;
}

/// <summary>Turns exceptions on <see cref="ApiProblems.Handles"/> paths into problem+json; pages keep the HTML error page.</summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!ApiProblems.Handles(http) || http.Response.HasStarted)
            return false;
        if (ApiProblems.Describe(exception) is { } known)
        {
            await ApiProblems.WriteAsync(http, known.Status, known.Detail, known.Title);
            return true;
        }
        // Unexpected: the details stay in the log (with the trace id the caller gets), not in the response.
        logger.LogError(exception, "Unhandled error on {Method} {Path}.", http.Request.Method, http.Request.Path);
        await ApiProblems.WriteAsync(http, 500, "An unexpected error occurred. The portal's log has the details under this trace id.", "Server error");
        return true;
    }
}
