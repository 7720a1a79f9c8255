using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Drift;

/// <summary>One step of an alert's triage: acknowledged, assigned, commented, resolved, dismissed, retraining started.</summary>
public sealed class DriftAlertEvent
{
    public long Id { get; set; }
    public Guid AlertId { get; set; }
    public string Action { get; set; } = "";
    public string Actor { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime At { get; set; }
}

internal sealed class DriftAlertEventConfiguration : IEntityTypeConfiguration<DriftAlertEvent>
{
    public void Configure(EntityTypeBuilder<DriftAlertEvent> b)
    {
        b.ToTable("DriftAlertEvents");
        b.Property(e => e.Action).HasMaxLength(32).IsRequired();
        b.Property(e => e.Actor).HasMaxLength(256).IsRequired();
        b.Property(e => e.Text).HasMaxLength(4000).IsRequired();
        b.HasIndex(e => e.AlertId);
        b.HasOne<DriftAlert>().WithMany().HasForeignKey(e => e.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}
