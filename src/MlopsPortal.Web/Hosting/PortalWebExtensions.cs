using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Web.Api;
using MlopsPortal.Web.Auth;
using MlopsPortal.Web.Components.Account;
using MudBlazor;
using MudBlazor.Services;

namespace MlopsPortal.Web.Hosting;

public sealed class SecurityOptions
{
    public const string Section = "Security";
    /// <summary>Minutes without activity after which a session ends (cookie and open browser tab).</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;
}

public sealed class ProxyOptions
{
    public const string Section = "Proxy";
    /// <summary>Trust X-Forwarded-For/Proto/Host from these proxy addresses (docs/operations.md).</summary>
    public string[] KnownProxies { get; set; } = [];
    public string[] KnownNetworks { get; set; } = [];
}

public static class PortalWebExtensions
{
    /// <summary>Web-only services: authentication, the Blazor UI, the API and health checks.</summary>
    public static IHostApplicationBuilder AddPortalWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        // Enums travel as their camelCase names ("high", "binaryClassification"), never as numbers.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));

        if (builder is WebApplicationBuilder web)
            web.WebHost.UseStaticWebAssets();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o =>
        {
            // Bottom right: a snackbar never covers a page's title or its first actions.
            o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.VisibleStateDuration = 5000;
            o.SnackbarConfiguration.PreventDuplicates = true;
        });
        services.AddSingleton<MlopsPortal.Web.Components.Layout.ThemePreferences>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<IUserClaimsPrincipalFactory<PortalUser>, PortalClaimsPrincipalFactory>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "mlops.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(security.IdleTimeoutMinutes);
            o.SlidingExpiration = true;
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/access-denied"; // inside the normal layout, navigation kept
        });
        services.AddAuthorization(o => o.AddPortalPolicies());
        // A lock, password reset or revoked role reaches plain HTTP requests within a minute too.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        var proxy = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var p in proxy.KnownProxies)
                o.KnownProxies.Add(System.Net.IPAddress.Parse(p));
            foreach (var n in proxy.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        });

        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // A body or query value that does not bind throws (with the parameter named) instead of a bare 400, so that
        // ApiExceptionHandler can answer it like every other error.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1", o => o.AddDocumentTransformer<BearerSecurityTransformer>());
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");
        return builder;
    }
}
