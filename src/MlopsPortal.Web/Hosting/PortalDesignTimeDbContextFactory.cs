using Microsoft.EntityFrameworkCore.Design;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Web.Hosting;

/// <summary>
/// Used by `dotnet ef`: `dotnet ef migrations add NAME --project src/MlopsPortal.Migrations.Postgres
/// --startup-project src/MlopsPortal.Web -- --Provider Postgres` (see database/README.md).
/// </summary>
public sealed class PortalDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var i = Array.IndexOf(args, "--Provider");
        var provider = i >= 0 && i + 1 < args.Length
            ? Enum.Parse<DatabaseProvider>(args[i + 1], ignoreCase: true)
            : DatabaseProvider.Sqlite;
        return PortalDatabase.CreateContext(provider, PortalDatabase.OfflineConnectionString(provider));
    }
}
