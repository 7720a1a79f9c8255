using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Security;

/// <summary>A first start says nothing alarming, and the Data Protection keys it writes are encrypted at rest.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private const string Purpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";

    private Task<PortalTestHost> StartAsync(LogCapture logs, string? certificate) =>
        PortalTestHost.StartAsync(dataDirectory: _dir.Path,
            overrides: new Dictionary<string, string?>
            {
                [TestCertificates.Setting] = certificate ?? "",
                ["Logging:LogLevel:MlopsPortal"] = "Information",
            },
            configure: b => b.Logging.AddProvider(logs));

    private static async Task<List<string>> KeyXmlAsync(PortalTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }

    [Fact]
    public async Task ShouldWarnAboutNothingAndEncryptTheKeys_WhenASqlitePortalStartsForTheFirstTime()
    {
        var logs = new LogCapture();
        string cookie;
        await using (var first = await StartAsync(logs, certificate: null))
        {
            logs.AtLeast(LogLevel.Warning).ShouldBeEmpty(string.Join("\n", logs.AtLeast(LogLevel.Warning).Select(e => $"{e.Category}[{e.EventId.Id}]: {e.Message}")));
            logs.Entries.ShouldContain(e => e.Category == "MlopsPortal.Database" && e.Message.Contains("outside a transaction"));
            var keys = await KeyXmlAsync(first);
            keys.ShouldNotBeEmpty();
            keys.ShouldAllBe(x => x.Contains("EncryptedData") && !x.Contains("<masterKey"));
            var file = Path.Combine(_dir.Path, "keys", DataProtectionKeys.GeneratedCertificateFile);
            File.Exists(file).ShouldBeTrue();
            if (!OperatingSystem.IsWindows())
                File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            cookie = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("session");
        }
        // The next start finds the same certificate and reads what the first protected.
        await using var second = await StartAsync(new LogCapture(), certificate: null);
        second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(cookie).ShouldBe("session");
    }

    [Fact]
    public async Task ShouldEncryptWithTheConfiguredCertificate_WhenOneIsGiven()
    {
        var certificate = TestCertificates.Create(Path.Combine(_dir.Path, "configured.pfx"));
        var logs = new LogCapture();
        await using var host = await StartAsync(logs, certificate);
        logs.AtLeast(LogLevel.Warning).ShouldBeEmpty();
        (await KeyXmlAsync(host)).ShouldAllBe(x => x.Contains("EncryptedData"));
        Directory.Exists(Path.Combine(_dir.Path, "keys")).ShouldBeFalse();
    }

    [PostgresFact]
    public async Task ShouldKeepKeysReadableByEveryProcessAndSayItCalmly_WhenAServerDatabaseHasNoCertificate()
    {
        var connection = await PostgresServer.CreateDatabaseAsync("dp");
        var logs = new LogCapture();
        await using var host = await PortalTestHost.StartAsync(provider: DatabaseProvider.Postgres, connectionString: connection,
            overrides: new Dictionary<string, string?> { [TestCertificates.Setting] = "", ["Logging:LogLevel:MlopsPortal"] = "Information" },
            configure: b => b.Logging.AddProvider(logs));
        // EF itself logs a failed read of the history table while it migrates an empty PostgreSQL database (efcore#37328);
        // nothing else may warn.
        logs.AtLeast(LogLevel.Warning).Where(e => e.Category != "Microsoft.EntityFrameworkCore.Database.Command")
            .ShouldBeEmpty(string.Join("\n", logs.AtLeast(LogLevel.Warning).Select(e => $"{e.Category}: {e.Message}")));
        logs.Entries.ShouldContain(e => e.Category == "MlopsPortal.DataProtection" && e.Level == LogLevel.Information && e.Message.Contains("unencrypted"));
    }
}
