using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.AuditTrail;

/// <summary>One row of the append-only, hash-chained audit trail (contracts §3, docs/audit-trail.md).</summary>
public sealed class AuditEvent
{
    public long Sequence { get; set; }
    public DateTime OccurredAt { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>Canonical JSON of what changed.</summary>
    public string Payload { get; set; } = "{}";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>
/// The chain's head row is gone (deleted by hand or by a bad restore): nothing can be appended, because the next
/// event could not be linked to the one before it. Only someone with write access to the database causes this.
/// </summary>
public sealed class AuditChainHeadMissingException() : InvalidOperationException(
    "The audit chain head (the single row of table AuditChainHead) is missing, so no audited change can be written: " +
    "the audit trail may have been tampered with. Run `audit verify`, then restore the database from a backup (docs/audit-trail.md).");

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
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
