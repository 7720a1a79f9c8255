using System.Security.Claims;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

/// <summary>Browser downloads (cookie authentication), streamed straight from the database.</summary>
public static class PortalExports
{
    public static void MapPortalExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exports/audit-trail.csv", async (HttpContext http, AuditTrailService audit) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=audit-trail-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv";
            await audit.WriteCsvAsync(Actor.FromPrincipal(http.User), http.Response.Body, http.RequestAborted);
        }).RequireAuthorization(Policies.ReadAuditTrail);

        app.MapGet("/exports/audit-trail.json", async (HttpContext http, AuditTrailService audit) =>
        {
            http.Response.ContentType = "application/json";
            http.Response.Headers.ContentDisposition = $"attachment; filename=audit-trail-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json";
            await audit.WriteJsonAsync(Actor.FromPrincipal(http.User), http.Response.Body, http.RequestAborted);
        }).RequireAuthorization(Policies.ReadAuditTrail);
    }
}
