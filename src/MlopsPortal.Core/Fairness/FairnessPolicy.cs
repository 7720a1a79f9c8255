using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Fairness;

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

internal sealed class FairnessPolicyConfiguration : IEntityTypeConfiguration<FairnessPolicy>
{
    public void Configure(EntityTypeBuilder<FairnessPolicy> b)
    {
        b.ToTable("FairnessPolicies");
        b.HasKey(p => p.RiskTier);
        b.Property(p => p.RiskTier).ValueGeneratedNever();
        b.Property(p => p.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}
