using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Api;

/// <summary>Several portal processes behind a proxy share one key ring in the database (docs/operations.md).</summary>
public sealed class SeveralPortalsTests
{
    [PostgresFact]
    public async Task ShouldReadEachOthersCookiesAndTokens_WhenTwoPortalsShareOnePostgresDatabase()
    {
        var connection = await PostgresServer.CreateDatabaseAsync("multi");
        await using var first = await PortalTestHost.StartAsync(provider: DatabaseProvider.Postgres, connectionString: connection);
        await using var second = await PortalTestHost.StartAsync(provider: DatabaseProvider.Postgres, connectionString: connection);

        // Cookies and Identity tokens are data-protected: what one node protects, the other must read.
        var purpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";
        var protectedByFirst = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("session");
        second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(protectedByFirst).ShouldBe("session");

        first.DataDirectory.ShouldNotBe(second.DataDirectory);
    }
}
