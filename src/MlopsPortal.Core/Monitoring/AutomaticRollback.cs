using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Monitoring;

/// <summary>An automatic rollback under a signed rule (or the record that none was possible).</summary>
public sealed class AutomaticRollback
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid FromVersionId { get; set; }
    public Guid? ToVersionId { get; set; }
    public string RuleRequestId { get; set; } = "";
    public string Rule { get; set; } = "";
    public string Evidence { get; set; } = "";
    public Guid SnapshotId { get; set; }
    public Guid? IncidentAlertId { get; set; }
    /// <summary>When the data that breached arrived (the outcome upload), for mean time to roll back.</summary>
    public DateTime BreachAt { get; set; }
    public DateTime CompletedAt { get; set; }
}

internal sealed class AutomaticRollbackConfiguration : IEntityTypeConfiguration<AutomaticRollback>
{
    public void Configure(EntityTypeBuilder<AutomaticRollback> b)
    {
        b.ToTable("AutomaticRollbacks");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.RuleRequestId).HasMaxLength(64).IsRequired();
        b.Property(r => r.Rule).HasMaxLength(500).IsRequired();
        b.Property(r => r.Evidence).HasMaxLength(2000).IsRequired();
        // One rollback per version leaving Production for a breach: a second job run on the same breach finds it taken.
        b.HasIndex(r => r.FromVersionId).IsUnique();
        b.HasIndex(r => new { r.ModelId, r.CompletedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
