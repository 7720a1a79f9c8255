using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Monitoring;

/// <summary>The scores a business stakeholder accepts as confident decisions (inclusive bounds, 0 ≤ low &lt; high ≤ 1).</summary>
public sealed record ConfidenceBand(double Low, double High)
{
    public bool Contains(double score) => score >= Low && score <= High;

    public override string ToString() => $"{Low:0.###}–{High:0.###}";
}

/// <summary>
/// A rule the business stakeholder and the compliance officer signed: when it fires on a Production version, the
/// portal rolls back. <see cref="Metric"/> is an evaluation metric (live, on labelled rows), <c>bandShare</c> (the share
/// of all scored rows inside the approved band) or <c>fairness</c> (fires when the live fairness verdict is fail;
/// comparator and threshold are not used). The rule fires when "metric comparator threshold" holds.
/// </summary>
public sealed record RollbackRule(string Metric, string Comparator, double Threshold, int MinLabelledRows = 500)
{
    public const string BandShare = "bandShare";
    public const string Fairness = "fairness";

    public string Describe() => Metric == Fairness
        ? $"live fairness verdict is fail (on at least {MinLabelledRows:N0} labelled rows)"
        : Metric == BandShare
            ? $"share inside the confidence band {Comparator} {Threshold:P0}"
            : $"live {Metric} {Comparator} {Threshold:0.###} on at least {MinLabelledRows:N0} labelled rows";

    public bool Fires(double value) => new AcceptanceCriterion(Metric, Comparator, Threshold, "").IsMetBy(value);
}

/// <summary>One upload of true labels: a dataset version of "&lt;model&gt;-outcomes" and what matched.</summary>
public sealed class OutcomeUpload
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public long Rows { get; set; }
    /// <summary>Rows whose key a scoring output of the model holds and that had no outcome yet: they count.</summary>
    public long Matched { get; set; }
    /// <summary>Keys no scoring output of the model holds (kept in the file, counted nowhere).</summary>
    public long Unknown { get; set; }
    /// <summary>Keys repeated in the file or labelled by an earlier upload: the first label stands.</summary>
    public long Duplicates { get; set; }
    public List<string> UnknownSample { get; set; } = [];
    public List<string> DuplicateSample { get; set; } = [];
    /// <summary>The scoring jobs whose rows this upload labels.</summary>
    public List<Guid> LabelledJobs { get; set; } = [];
    public string UploadedBy { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}

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

public sealed record LiveBatchPoint(Guid ScoringJobId, DateTime ScoredAt, long Rows, long Labelled, double? BandShare, double? PrimaryMetric);

public sealed record LiveDisparity(double? DemographicParityDifference, double? DisparateImpactRatio, double? EqualizedOddsDifference);

/// <summary>A batch the champion scored and the Staging challenger scored too, as shadow output nothing downstream reads.</summary>
public sealed class ShadowScoring
{
    /// <summary>The scoring job run's id.</summary>
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ChampionVersionId { get; set; }
    public Guid ChallengerVersionId { get; set; }
    public Guid InputDatasetVersionId { get; set; }
    public Guid? ChampionOutputId { get; set; }
    /// <summary>The shadow scores: a blob of the artifact store, never a dataset version.</summary>
    public string ShadowSha256 { get; set; } = "";
    public long Rows { get; set; }
    /// <summary>Share of rows where both versions made the same decision (classifiers) — null for regressors.</summary>
    public double? AgreementRate { get; set; }
    public double MeanAbsDifference { get; set; }
    public List<long> ChampionHistogram { get; set; } = [];
    public List<long> ChallengerHistogram { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

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

/// <summary>"Reproduce training": a version's run again from its recorded inputs, and whether the package hash matched.</summary>
public sealed class Reproduction
{
    /// <summary>The reproduce job run's id.</summary>
    public Guid Id { get; set; }
    public Guid ModelVersionId { get; set; }
    public string RecordedSha256 { get; set; } = "";
    public string NewSha256 { get; set; } = "";
    public bool Identical { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class OutcomeUploadConfiguration : IEntityTypeConfiguration<OutcomeUpload>
{
    public void Configure(EntityTypeBuilder<OutcomeUpload> b)
    {
        b.ToTable("OutcomeUploads");
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.UnknownSample).AsJson();
        b.Property(o => o.DuplicateSample).AsJson();
        b.Property(o => o.LabelledJobs).AsJson();
        b.Property(o => o.UploadedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(o => new { o.ModelId, o.UploadedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(o => o.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class LivePerformanceSnapshotConfiguration : IEntityTypeConfiguration<LivePerformanceSnapshot>
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

public sealed class ShadowScoringConfiguration : IEntityTypeConfiguration<ShadowScoring>
{
    public void Configure(EntityTypeBuilder<ShadowScoring> b)
    {
        b.ToTable("ShadowScorings");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.ShadowSha256).HasMaxLength(64).IsRequired();
        b.Property(s => s.ChampionHistogram).AsJson();
        b.Property(s => s.ChallengerHistogram).AsJson();
        b.HasIndex(s => new { s.ChallengerVersionId, s.CreatedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class AutomaticRollbackConfiguration : IEntityTypeConfiguration<AutomaticRollback>
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

public sealed class ReproductionConfiguration : IEntityTypeConfiguration<Reproduction>
{
    public void Configure(EntityTypeBuilder<Reproduction> b)
    {
        b.ToTable("Reproductions");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.RecordedSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.NewSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(r => new { r.ModelVersionId, r.CreatedAt });
    }
}
