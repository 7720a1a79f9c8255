using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.AuditTrail;

/// <summary>An exported copy of the chain head, kept so that a later rewrite can be detected.</summary>
public sealed class AuditAnchor
{
    public long Id { get; set; }
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Purpose { get; set; } = "";
}

internal sealed class AuditAnchorConfiguration : IEntityTypeConfiguration<AuditAnchor>
{
    public void Configure(EntityTypeBuilder<AuditAnchor> b)
    {
        b.ToTable("AuditAnchors");
        b.Property(a => a.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(a => a.CreatedBy).HasMaxLength(256);
        b.Property(a => a.Purpose).HasMaxLength(Security.InputLimits.Line);
    }
}
