using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// A drift report: a current dataset version compared with the raw training data of a model version (contracts §5).
/// Report holds the engine's JSON (`drift --json` with each column's bins); its id is its job run's id.
/// </summary>
public sealed class DriftReportRecord
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ModelVersionId { get; set; }
    public Guid ReferenceDatasetVersionId { get; set; }
    public Guid CurrentDatasetVersionId { get; set; }
    public string Report { get; set; } = "{}";
    public double? DriftedShare { get; set; }
    public bool? DatasetDrift { get; set; }
    public int DriftedColumns { get; set; }
    public int JudgedColumns { get; set; }
    /// <summary>When the current data arrived (its version's creation): the start of "time to detect".</summary>
    public DateTime DataArrivedAt { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public enum AlertSeverity { Low, Medium, High, Critical }

public enum AlertStatus { Open, Acknowledged, Resolved, Dismissed }

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

public sealed class DriftReportConfiguration : IEntityTypeConfiguration<DriftReportRecord>
{
    public void Configure(EntityTypeBuilder<DriftReportRecord> b)
    {
        b.ToTable("DriftReports");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Report).IsRequired();
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(r => new { r.ModelId, r.CreatedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class DriftAlertConfiguration : IEntityTypeConfiguration<DriftAlert>
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

public sealed class DriftAlertEventConfiguration : IEntityTypeConfiguration<DriftAlertEvent>
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
