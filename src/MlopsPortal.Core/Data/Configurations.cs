using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Users;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.Data;

// Provider-neutral configurations: no column types that one provider lacks, lengths on every key.

public sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
    }
}

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(256).IsRequired();
        b.Property(e => e.Action).HasMaxLength(128).IsRequired();
        b.Property(e => e.EntityType).HasMaxLength(64).IsRequired();
        b.Property(e => e.EntityId).HasMaxLength(128).IsRequired();
        b.Property(e => e.Payload).IsRequired();
        b.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(e => e.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.HasIndex(e => new { e.EntityType, e.EntityId });
        b.HasIndex(e => e.OccurredAt);
    }
}

public sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("AuditChainHead");
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.HasData(new AuditChainHead { Id = AuditChainHead.SingletonId, Sequence = 0, Hash = Sha256Hex.Zero });
    }
}

public sealed class AuditAnchorConfiguration : IEntityTypeConfiguration<AuditAnchor>
{
    public void Configure(EntityTypeBuilder<AuditAnchor> b)
    {
        b.ToTable("AuditAnchors");
        b.Property(a => a.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(a => a.CreatedBy).HasMaxLength(256);
        b.Property(a => a.Purpose).HasMaxLength(Security.InputLimits.Line);
    }
}

public sealed class LineageEdgeConfiguration : IEntityTypeConfiguration<LineageEdge>
{
    public void Configure(EntityTypeBuilder<LineageEdge> b)
    {
        b.ToTable("LineageEdges");
        b.Property(e => e.FromKind).HasMaxLength(64).IsRequired();
        b.Property(e => e.FromId).HasMaxLength(128).IsRequired();
        b.Property(e => e.ToKind).HasMaxLength(64).IsRequired();
        b.Property(e => e.ToId).HasMaxLength(128).IsRequired();
        b.Property(e => e.Relation).HasMaxLength(64).IsRequired();
        b.HasIndex(e => new { e.FromKind, e.FromId });
        b.HasIndex(e => new { e.ToKind, e.ToId });
        b.HasIndex(e => new { e.FromKind, e.FromId, e.ToKind, e.ToId, e.Relation }).IsUnique();
    }
}

public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("ApiTokens");
        b.Property(t => t.Id).HasMaxLength(36);
        b.Property(t => t.UserId).HasMaxLength(450).IsRequired();
        b.Property(t => t.Name).HasMaxLength(100).IsRequired();
        b.Property(t => t.Prefix).HasMaxLength(16).IsRequired();
        b.Property(t => t.SecretHash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(t => t.RevokedBy).HasMaxLength(256);
        b.HasIndex(t => t.SecretHash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The six roles are part of the schema: seeded by the migrations with fixed ids.</summary>
public sealed class RoleSeedConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.Identity.IdentityRole>
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
