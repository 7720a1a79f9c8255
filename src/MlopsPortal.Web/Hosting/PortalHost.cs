using MlopsPortal.Core;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Web.Api;
using MlopsPortal.Web.Auth;
using MlopsPortal.Web.Components;
using MlopsPortal.Web.Components.Account;

namespace MlopsPortal.Web.Hosting;

/// <summary>Builds the portal's web host. The command line and the tests both come through here.</summary>
public static class PortalHost
{
    public static WebApplicationBuilder CreateBuilder(PortalHostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. settings.Args],
            EnvironmentName = settings.EnvironmentName,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(PortalHost).Assembly.GetName().Name,
        });
        // appsettings.json lives at the repository root and is copied next to the executable.
        builder.Configuration.AddInMemoryCollection(settings.Overrides);
        var paths = new PortalPaths(settings.DataDirectory);
        builder.AddPortalCore(paths);
        builder.AddPortalScheduling(paths, "portal", settings.GpuSelfTest);
        builder.AddPortalWeb();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UsePortalPipeline();
        return app;
    }

    private static void UsePortalPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // One error path: ApiExceptionHandler answers the API, uploads and exports with problem+json; pages get /Error.
        // A bad request (a form without its antiforgery token, a value that does not bind) keeps its 4xx status.
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/Error", CreateScopeForErrors = true, StatusCodeSelector = StatusOf,
            });
        else
            app.UseWhen(ApiProblems.Handles, api => api.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusOf }));
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Inside the page re-execution: an API status without a body (no route, wrong method) is answered here first.
        app.UseWhen(ApiProblems.Handles, api => api.UseStatusCodePages(ApiProblems.WriteStatusAsync));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<TwoFactorEnrollmentMiddleware>();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        // The portal's own Content-Security-Policy (SecurityHeadersMiddleware) carries frame-ancestors: no second header.
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAccountEndpoints();
        app.MapPortalApi();
        app.MapPortalExports();
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = HealthResponse.WriteAsync,
        }).AllowAnonymous();
    }

    private static int StatusOf(Exception e) => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    /// <summary>Migrates (SQLite by default), seeds demo users on an empty database and prints their passwords.</summary>
    public static async Task<IReadOnlyList<DemoCredential>> PrepareAsync(WebApplication app, TextWriter console)
    {
        await app.Services.PrepareDatabaseAsync();
        // The report-signing certificate exists from the first start (created and audited if none is configured or stored).
        var fingerprint = await app.Services.GetRequiredService<MlopsPortal.Core.Reports.ReportSigning>().FingerprintAsync();
        console.WriteLine($"Reports are signed by the certificate with SHA-256 fingerprint {fingerprint}.");
        await using var scope = app.Services.CreateAsyncScope();
        var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
        if (seeded.Count == 0) return seeded;
        console.WriteLine();
        console.WriteLine("Demo users created (shown once; change or lock them before real use):");
        foreach (var c in seeded)
            console.WriteLine($"  {c.Role,-20} {c.UserName,-28} {c.Password}");
        console.WriteLine("Administrator and ComplianceOfficer set up an authenticator app at first sign-in.");
        console.WriteLine();
        return seeded;
    }
}
