using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Core.Users;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Testing;

/// <summary>
/// The real portal (PortalHost, the same code as `serve`) on a temp data dir: in memory (TestServer)
/// for HTTP tests, or on Kestrel at a free loopback port for the browser.
/// </summary>
public sealed class PortalTestHost : IAsyncDisposable
{
    public const string Password = "Test-Passw0rd!x";

    private readonly TempDirectory? _dir;
    private readonly string _dataDirectory;
    private Microsoft.AspNetCore.Builder.WebApplication _app = default!;

    private PortalTestHost(string? dataDirectory)
    {
        _dir = dataDirectory is null ? new TempDirectory() : null;
        _dataDirectory = dataDirectory ?? _dir!.Path;
    }

    public Uri BaseAddress { get; private set; } = default!;
    public IServiceProvider Services => _app.Services;
    public string DataDirectory => _dataDirectory;

    public static async Task<PortalTestHost> StartAsync(
        bool kestrel = false, DatabaseProvider provider = DatabaseProvider.Sqlite, string? connectionString = null,
        IDictionary<string, string?>? overrides = null, string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null)
    {
        var host = new PortalTestHost(dataDirectory);
        var config = new Dictionary<string, string?>
        {
            ["Demo:SeedUsers"] = "false",
            ["Database:Provider"] = provider.ToString(),
            ["Database:MigrateOnStart"] = "true",
            ["ConnectionStrings:Portal"] = connectionString ?? "",
            ["Logging:LogLevel:Default"] = "Warning",
            [TestCertificates.Setting] = TestCertificates.DataProtectionPath,
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
            config[k] = v;
        var builder = PortalHost.CreateBuilder(new PortalHostSettings
        {
            DataDirectory = host._dataDirectory, EnvironmentName = "Production", Overrides = config,
        });
        configure?.Invoke(builder);
        if (kestrel)
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        else
            builder.WebHost.UseTestServer();
        host._app = PortalHost.Build(builder);
        await host._app.Services.PrepareDatabaseAsync();
        await host._app.StartAsync();
        var address = kestrel
            ? host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : "http://localhost";
        // Browse by name: some scripts reject IP hosts (contracts §8).
        host.BaseAddress = new Uri(address.Replace("127.0.0.1", "localhost").TrimEnd('/') + "/");
        return host;
    }

    /// <summary>A client that sends a personal API token, as a CI pipeline would.</summary>
    public HttpClient CreateClient(string bearerToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    /// <summary>A client that keeps cookies and never follows redirects, as a browser with JavaScript off would post forms.</summary>
    public BrowserSession CreateBrowserSession()
    {
        HttpMessageHandler inner = _app.Services.GetService<IServer>() is TestServer server
            ? server.CreateHandler()
            : new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        return new BrowserSession(inner, BaseAddress);
    }

    public HttpClient CreateClient()
    {
        if (_app.Services.GetService<IServer>() is TestServer server)
        {
            var client = server.CreateClient();
            client.BaseAddress = BaseAddress;
            return client;
        }
        return new HttpClient { BaseAddress = BaseAddress };
    }

    /// <summary>Creates a user with the test password; privileged users can be given a TOTP key.</summary>
    public async Task<PortalUser> CreateUserAsync(string email, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var (user, _, _) = await admin.CreateAsync(Actor.Cli(), email, email.Split('@')[0], Password, roles);
        return user;
    }

    /// <summary>Turns on two-factor sign-in and returns the authenticator key (as a user would after set-up).</summary>
    public async Task<string> EnableTwoFactorAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var user = (await users.FindByNameAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        db.Audit("cli:test", "user.two-factor-enabled", "user", user.Id);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    public async Task<string> CreateTokenAsync(string email, bool readOnly = false, string name = "test")
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAdminService>().FindAsync(email);
        var created = await scope.ServiceProvider.GetRequiredService<ApiTokenService>()
            .CreateAsync(Actor.Cli(), user.Id, name, 30, readOnly);
        return created.Secret;
    }

    /// <summary>Dataset versions and audit events: what a refused or interrupted upload must leave unchanged.</summary>
    public async Task<(int Versions, int Events)> DatasetCountsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return (await db.DatasetVersions.CountAsync(), await db.AuditEvents.CountAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir?.Dispose();
    }
}
