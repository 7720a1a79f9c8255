using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Monitoring;

/// <summary>A point of live performance: a Production version measured on its scored rows whose outcomes are known.</summary>
public sealed class LivePerformanceSnapshot
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ModelVersionId { get; set; }
    public int VersionNumber { get; set; }
    public long ScoredRows { get; set; }
    public long LabelledRows { get; set; }
    public double? BandLow { get; set; }
    public double? BandHigh { get; set; }
    public double? BandShare { get; set; }
    /// <summary>Metric name → live value (null when undefined), on the labelled rows.</summary>
    public Dictionary<string, double?> Metrics { get; set; } = [];
    /// <summary>The same metrics on the validation split when the version was trained.</summary>
    public Dictionary<string, double?> TrainingMetrics { get; set; } = [];
    /// <summary>Per scoring batch: when, rows, labelled rows, band share and the primary metric.</summary>
    public List<LiveBatchPoint> Batches { get; set; } = [];
    /// <summary>Attribute → live disparities (demographic parity difference, disparate impact, equalized odds difference).</summary>
    public Dictionary<string, LiveDisparity> Fairness { get; set; } = [];
    public string? FairnessVerdict { get; set; }
    /// <summary>The rules and criteria that this point breaks, in words.</summary>
    public List<string> Breaches { get; set; } = [];
    /// <summary>The newest outcome upload this point includes (the start of "breach to rollback").</summary>
    public DateTime? OutcomesArrivedAt { get; set; }
    public Guid JobRunId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class LivePerformanceSnapshotConfiguration : IEntityTypeConfiguration<LivePerformanceSnapshot>
{
    public void Configure(EntityTypeBuilder<LivePerformanceSnapshot> b)
    {
        b.ToTable("LivePerformanceSnapshots");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Metrics).AsJson();
        b.Property(s => s.TrainingMetrics).AsJson();
        b.Property(s => s.Batches).AsJson();
        b.Property(s => s.Fairness).AsJson();
        b.Property(s => s.Breaches).AsJson();
        b.Property(s => s.FairnessVerdict).HasMaxLength(16);
        b.HasIndex(s => new { s.ModelId, s.CreatedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed record LiveBatchPoint(Guid ScoringJobId, DateTime ScoredAt, long Rows, long Labelled, double? BandShare, double? PrimaryMetric);

public sealed record LiveDisparity(double? DemographicParityDifference, double? DisparateImpactRatio, double? EqualizedOddsDifference);
