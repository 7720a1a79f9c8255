using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// An alert raised by a report that crossed the model's drift policy. One open alert per model and cause: later reports
/// with the same cause attach to it (LastReportId, Reports) instead of raising another.
/// </summary>
public sealed class DriftAlert
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ModelVersionId { get; set; }
    /// <summary>"dataset-drift" (the share of drifted columns crossed the policy).</summary>
    public string Cause { get; set; } = "";
    public AlertSeverity Severity { get; set; }
    public AlertStatus Status { get; set; }
    public string Summary { get; set; } = "";
    public Guid FirstReportId { get; set; }
    public Guid LastReportId { get; set; }
    public int Reports { get; set; } = 1;
    public DateTime DataArrivedAt { get; set; }
    public DateTime RaisedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public string? AssignedTo { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? Resolution { get; set; }
    /// <summary>The retraining run started from this alert, if any.</summary>
    public Guid? RetrainingRunId { get; set; }

    public bool IsOpen => Status is AlertStatus.Open or AlertStatus.Acknowledged;
}

internal sealed class DriftAlertConfiguration : IEntityTypeConfiguration<DriftAlert>
{
    public void Configure(EntityTypeBuilder<DriftAlert> b)
    {
        b.ToTable("DriftAlerts");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Cause).HasMaxLength(64).IsRequired();
        b.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Summary).HasMaxLength(500).IsRequired();
        b.Property(a => a.AssignedTo).HasMaxLength(256);
        b.Property(a => a.AcknowledgedBy).HasMaxLength(256);
        b.Property(a => a.ClosedBy).HasMaxLength(256);
        b.Property(a => a.Resolution).HasMaxLength(2000);
        b.Ignore(a => a.IsOpen);
        b.HasIndex(a => new { a.ModelId, a.Cause, a.Status });
        b.HasIndex(a => new { a.Status, a.RaisedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(a => a.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
