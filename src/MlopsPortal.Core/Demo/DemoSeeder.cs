using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;

namespace MlopsPortal.Core.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";
    /// <summary>Create one demo user per role when the database has no users.</summary>
    public bool SeedUsers { get; set; }
    /// <summary>The demo users' password; when empty, each gets a random one. Printed at first start.</summary>
    public string? Password { get; set; }
    public string EmailDomain { get; set; } = "demo.local";
}

public sealed record DemoCredential(string UserName, string Role, string Password);

/// <summary>First start of an empty portal: one demo user per role, passwords printed once.</summary>
public sealed class DemoSeeder(PortalDbContext db, UserAdminService admin, IOptions<DemoOptions> options, ILogger<DemoSeeder> logger)
{
    public static readonly IReadOnlyDictionary<string, string> DemoUserNames = new Dictionary<string, string>
    {
        [Roles.Administrator] = "admin",
        [Roles.ComplianceOfficer] = "compliance",
        [Roles.BusinessStakeholder] = "stakeholder",
        [Roles.MlEngineer] = "engineer",
        [Roles.DataScientist] = "scientist",
        [Roles.Auditor] = "auditor",
    };

    public async Task<IReadOnlyList<DemoCredential>> SeedIfEmptyAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        if (!o.SeedUsers || await db.Users.AnyAsync(ct))
            return [];
        var actor = Actor.Cli() with { Name = "system:demo-seed" };
        var created = new List<DemoCredential>();
        foreach (var (role, name) in DemoUserNames)
        {
            var userName = $"{name}@{o.EmailDomain}";
            var (_, password, _) = await admin.CreateAsync(actor, userName, $"Demo {Roles.Display(role)}",
                string.IsNullOrEmpty(o.Password) ? null : o.Password, [role], ct);
            created.Add(new DemoCredential(userName, role, password));
        }
        logger.LogInformation("Seeded {Count} demo users", created.Count);
        return created;
    }
}
