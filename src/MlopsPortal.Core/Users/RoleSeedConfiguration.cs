using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Users;

/// <summary>The six roles are part of the schema: seeded by the migrations with fixed ids.</summary>
internal sealed class RoleSeedConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.Identity.IdentityRole>
{
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.Identity.IdentityRole> b)
    {
        b.HasData(Security.Roles.All.Select(r => new Microsoft.AspNetCore.Identity.IdentityRole(r)
        {
            Id = "role-" + r.ToLowerInvariant(),
            NormalizedName = r.ToUpperInvariant(),
            ConcurrencyStamp = "seed-" + r.ToLowerInvariant(),
        }));
    }
}
