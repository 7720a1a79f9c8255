using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// One version of the sign-off rules for a kind of request on a risk tier. Rows are never edited: a
/// compliance officer's change writes the next version, and open requests keep the version they started with.
/// A tier without a policy denies every request of that kind (never promote unchecked).
/// </summary>
public sealed class ApprovalPolicy
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = ApprovalKinds.Promotion;
    public RiskTier RiskTier { get; set; }
    public int Version { get; set; }
    /// <summary>Who signs a move to Staging (promotions only).</summary>
    public List<RoleRequirement> StagingSignOffs { get; set; } = [];
    /// <summary>Who signs a move to Production, a rollback, or a change to a model that has a Production version.</summary>
    public List<RoleRequirement> ProductionSignOffs { get; set; } = [];
    /// <summary>How long a request stays open before the expiry job closes it.</summary>
    public int ExpiryDays { get; set; } = 14;
    /// <summary>The automated gates that run before sign-offs (<see cref="PromotionGates"/> keys).</summary>
    public List<string> Gates { get; set; } = [];
    /// <summary>How much worse than the champion on the primary metric a challenger may be (absolute).</summary>
    public double ChampionTolerance { get; set; } = 0.01;
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public List<RoleRequirement> SignOffsFor(ModelRegistry.VersionStage? stage) =>
        stage == ModelRegistry.VersionStage.Staging ? StagingSignOffs : ProductionSignOffs;

    private static readonly DateTime SeedTime = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Version 1 of every policy, seeded by the migrations. Promotions (issue 6's defaults): Low MlEngineer; Medium
    /// + BusinessStakeholder; High + ComplianceOfficer; Critical two ComplianceOfficers; all gates. Rollbacks are
    /// expedited: fewer signers, two days, only the data-contract gate. Criteria changes: the engineer beside the
    /// stakeholder who owns the criteria, and compliance from High up.
    /// </summary>
    public static IReadOnlyList<ApprovalPolicy> Defaults()
    {
        var list = new List<ApprovalPolicy>();
        foreach (var tier in Enum.GetValues<RiskTier>())
        {
            List<RoleRequirement> promotion = tier switch
            {
                RiskTier.Low => [new(Roles.MlEngineer)],
                RiskTier.Medium => [new(Roles.MlEngineer), new(Roles.BusinessStakeholder)],
                RiskTier.High => [new(Roles.MlEngineer), new(Roles.BusinessStakeholder), new(Roles.ComplianceOfficer)],
                _ => [new(Roles.MlEngineer), new(Roles.BusinessStakeholder), new(Roles.ComplianceOfficer, 2)],
            };
            List<RoleRequirement> rollback = tier <= RiskTier.Medium
                ? [new(Roles.MlEngineer)]
                : [new(Roles.MlEngineer), new(Roles.ComplianceOfficer)];
            List<RoleRequirement> criteria = tier <= RiskTier.Medium
                ? [new(Roles.BusinessStakeholder), new(Roles.MlEngineer)]
                : [new(Roles.BusinessStakeholder), new(Roles.MlEngineer), new(Roles.ComplianceOfficer)];
            var n = (int)tier;
            list.Add(Seed(n * 3 + 1, ApprovalKinds.Promotion, tier, promotion, promotion, 14, [.. PromotionGates.All]));
            list.Add(Seed(n * 3 + 2, ApprovalKinds.Rollback, tier, [], rollback, 2, [PromotionGates.DataContract]));
            list.Add(Seed(n * 3 + 3, ApprovalKinds.CriteriaChange, tier, [], criteria, 14, []));
            // A stakeholder proposes a band; engineers (and compliance from High up) sign. Rollback rules: the stakeholder
            // proposes and compliance signs (their agreement), with an engineer too from High up.
            List<RoleRequirement> band = tier <= RiskTier.Medium ? [new(Roles.MlEngineer)] : [new(Roles.MlEngineer), new(Roles.ComplianceOfficer)];
            List<RoleRequirement> rules = tier <= RiskTier.Medium ? [new(Roles.ComplianceOfficer)] : [new(Roles.ComplianceOfficer), new(Roles.MlEngineer)];
            list.Add(Seed(100 + n * 2 + 1, ApprovalKinds.ConfidenceBand, tier, [], band, 14, []));
            list.Add(Seed(100 + n * 2 + 2, ApprovalKinds.RollbackRules, tier, [], rules, 14, []));
        }
        return list;
    }

    private static ApprovalPolicy Seed(int n, string kind, RiskTier tier, List<RoleRequirement> staging, List<RoleRequirement> production, int days, List<string> gates) => new()
    {
        Id = new Guid($"00000000-0000-0000-0000-{n:D12}"), Kind = kind, RiskTier = tier, Version = 1,
        StagingSignOffs = staging, ProductionSignOffs = production, ExpiryDays = days, Gates = gates,
        CreatedBy = "default", CreatedAt = SeedTime,
    };
}

/// <summary>What a compliance officer sets for a kind and tier.</summary>
public sealed record ApprovalPolicyValues(
    List<RoleRequirement> StagingSignOffs, List<RoleRequirement> ProductionSignOffs, int ExpiryDays, List<string> Gates, double ChampionTolerance);

internal sealed class ApprovalPolicyConfiguration : IEntityTypeConfiguration<ApprovalPolicy>
{
    public void Configure(EntityTypeBuilder<ApprovalPolicy> b)
    {
        b.ToTable("ApprovalPolicies");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Kind).HasMaxLength(64).IsRequired();
        b.Property(p => p.StagingSignOffs).AsJson();
        b.Property(p => p.ProductionSignOffs).AsJson();
        b.Property(p => p.Gates).AsJson();
        b.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(p => new { p.Kind, p.RiskTier, p.Version }).IsUnique();
        b.HasData(ApprovalPolicy.Defaults());
    }
}
