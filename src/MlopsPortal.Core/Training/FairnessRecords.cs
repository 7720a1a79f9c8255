using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Training;

/// <summary>
/// The fairness thresholds of one risk tier (contracts §4 defaults until a compliance officer changes them).
/// Every change is audited; an audit keeps a copy of the thresholds it was judged by.
/// </summary>
public sealed class FairnessPolicy
{
    public RiskTier RiskTier { get; set; }
    public double DisparateImpactFail { get; set; } = 0.8;
    public double DisparateImpactWarn { get; set; } = 0.9;
    public double DifferenceFail { get; set; } = 0.10;
    public double DifferenceWarn { get; set; } = 0.05;
    public int MinGroupSize { get; set; } = 30;
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }

    public static FairnessPolicy Default(RiskTier tier) => new() { RiskTier = tier, UpdatedBy = "default" };
}

/// <summary>
/// A fairness audit of a model version's predictions on a dataset version, or of a dataset's own prediction
/// column. Report holds the engine's report (contracts §4 JSON); its id is its job run's id.
/// </summary>
public sealed class FairnessAuditRecord
{
    public Guid Id { get; set; }
    public Guid? ModelId { get; set; }
    public Guid? ModelVersionId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public string LabelColumn { get; set; } = "";
    /// <summary>The data's prediction column, when the audit is not of a model version.</summary>
    public string? PredictionColumn { get; set; }
    public double? Threshold { get; set; }
    public List<string> Sensitive { get; set; } = [];
    public bool Intersectional { get; set; }
    public int Bootstrap { get; set; }
    public int Seed { get; set; }
    public string Report { get; set; } = "{}";
    public string? Verdict { get; set; }
    /// <summary>The thresholds it was judged by (JSON of the policy at the time), and the tier they belong to.</summary>
    public string Policy { get; set; } = "{}";
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class FairnessPolicyConfiguration : IEntityTypeConfiguration<FairnessPolicy>
{
    public void Configure(EntityTypeBuilder<FairnessPolicy> b)
    {
        b.ToTable("FairnessPolicies");
        b.HasKey(p => p.RiskTier);
        b.Property(p => p.RiskTier).ValueGeneratedNever();
        b.Property(p => p.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}

public sealed class FairnessAuditConfiguration : IEntityTypeConfiguration<FairnessAuditRecord>
{
    public void Configure(EntityTypeBuilder<FairnessAuditRecord> b)
    {
        b.ToTable("FairnessAudits");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.LabelColumn).HasMaxLength(200).IsRequired();
        b.Property(a => a.PredictionColumn).HasMaxLength(200);
        b.Property(a => a.Sensitive).AsJson();
        b.Property(a => a.Report).IsRequired();
        b.Property(a => a.Verdict).HasMaxLength(8);
        b.Property(a => a.Policy).IsRequired();
        b.Property(a => a.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(a => new { a.ModelVersionId, a.CreatedAt });
        b.HasIndex(a => new { a.ModelId, a.CreatedAt });
    }
}
