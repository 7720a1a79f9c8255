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

internal sealed class DriftReportConfiguration : IEntityTypeConfiguration<DriftReportRecord>
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
