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

    public List<RoleRequirement> SignOffsFor(Training.VersionStage? stage) =>
        stage == Training.VersionStage.Staging ? StagingSignOffs : ProductionSignOffs;

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

/// <summary>A sign-off: approve or reject, always with a comment, after the signer proved who they are again.</summary>
public sealed class SignOff
{
    public Guid Id { get; set; }
    public string RequestId { get; set; } = "";
    /// <summary>The role this sign-off counts for (one person counts for one role per request).</summary>
    public string Role { get; set; } = "";
    public bool Approved { get; set; }
    public string Comment { get; set; } = "";
    /// <summary>The person who signed.</summary>
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>The person the signer stood in for (out of office), or the signer themselves.</summary>
    public string CountsForUserId { get; set; } = "";
    public string? OnBehalfOfUserName { get; set; }
    public Guid? DelegationId { get; set; }
    /// <summary>How the signer proved it was them: "password" or "authenticator".</summary>
    public string StepUp { get; set; } = "";
    public DateTime SignedAt { get; set; }
}

/// <summary>A user's sign-off authority lent to another user for a period (out of office).</summary>
public sealed class Delegation
{
    public Guid Id { get; set; }
    public string FromUserId { get; set; } = "";
    public string FromUserName { get; set; } = "";
    public string ToUserId { get; set; } = "";
    public string ToUserName { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsActive(DateTime now) => RevokedAt is null && StartsAt <= now && now < EndsAt;
}

/// <summary>One change of a version's stage: what, when, and the request or rule that made it.</summary>
public sealed class StageChange
{
    public long Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ModelVersionId { get; set; }
    public int VersionNumber { get; set; }
    public Training.VersionStage From { get; set; }
    public Training.VersionStage To { get; set; }
    /// <summary>The request that completed (promotion or rollback), or for the version it replaced, the same request.</summary>
    public string? RequestId { get; set; }
    /// <summary>"promotion", "rollback", "replaced" (archived by a newer Production version) or "automatic-rollback".</summary>
    public string Reason { get; set; } = "";
    /// <summary>Who signed the request, as "name (role)" lines, kept with the change for reports.</summary>
    public List<string> SignedBy { get; set; } = [];
    public DateTime ChangedAt { get; set; }
}
