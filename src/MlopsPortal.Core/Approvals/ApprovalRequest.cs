using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// The generic approval mechanism (contracts §6): a request of some kind about a subject, opened by one
/// person and decided by the sign-offs its policy requires. Promotions, rollbacks, acceptance-criteria
/// changes and privileged role grants all use it; a request keeps the policy version it started with.
/// </summary>
public sealed class ApprovalRequest
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string SubjectType { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string Summary { get; set; } = "";
    /// <summary>Kind-specific JSON (a role grant: the role; a criteria change: the proposed criteria).</summary>
    public string Payload { get; set; } = "{}";
    public string RequestedBy { get; set; } = "";
    public string? RequestedByUserId { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public ApprovalStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionComment { get; set; }

    /// <summary>The model the request is about (promotions, rollbacks, criteria changes).</summary>
    public Guid? ModelId { get; set; }
    /// <summary>The stage a promotion or rollback moves the version to.</summary>
    public VersionStage? TargetStage { get; set; }
    /// <summary>Why the requester asks, in their words.</summary>
    public string Justification { get; set; } = "";
    /// <summary>The policy version it is judged by; null for role grants, which follow contracts §6's fixed rule.</summary>
    public Guid? PolicyId { get; set; }
    /// <summary>The sign-offs it needs (a snapshot of the policy's list for its target).</summary>
    public List<RoleRequirement> Required { get; set; } = [];
    /// <summary>The automated gates as they ran when the request was made, with their evidence.</summary>
    public List<GateResult> Gates { get; set; } = [];
    public bool GatesPassed { get; set; } = true;
    public string? GateOverrideBy { get; set; }
    public string? GateOverrideReason { get; set; }
    public DateTime? GateOverrideAt { get; set; }
    /// <summary>When the "expiring in 2 days" reminder went out (once per request).</summary>
    public DateTime? ReminderSentAt { get; set; }

    /// <summary>A failing gate stops sign-offs until an Administrator overrides it with a written reason.</summary>
    public bool Blocked => !GatesPassed && GateOverrideBy is null;

    public bool IsOpen => Status == ApprovalStatus.Open;
}

public enum ApprovalStatus
{
    Open = 0,
    Approved = 1,
    Rejected = 2,
    Expired = 3,
    Withdrawn = 4,
}

public static class ApprovalKinds
{
    public const string RoleGrant = "role-grant";
    public const string Promotion = "promotion";
    public const string Rollback = "rollback";
    public const string CriteriaChange = "criteria-change";
    public const string ConfidenceBand = "confidence-band";
    public const string RollbackRules = "rollback-rules";

    /// <summary>The kinds a compliance officer writes policies for.</summary>
    public static readonly IReadOnlyList<string> WithPolicy = [Promotion, Rollback, CriteriaChange, ConfidenceBand, RollbackRules];

    /// <summary>Promotions and rollbacks move a version between stages and have gates; the other kinds change a model's settings.</summary>
    public static bool ChangesStage(string kind) => kind is Promotion or Rollback;

    public static string Display(string kind) => kind switch
    {
        RoleGrant => "Role grant",
        Promotion => "Promotion",
        Rollback => "Rollback",
        CriteriaChange => "Acceptance-criteria change",
        ConfidenceBand => "Confidence-band change",
        RollbackRules => "Rollback-rule change",
        _ => kind,
    };
}

/// <summary>A role that must sign, and how many distinct people holding it.</summary>
public sealed record RoleRequirement(string Role, int Count = 1);

/// <summary>
/// One automated gate's result: what it checked, whether it passed, and the evidence (an entity a reader can open,
/// and the lines that explain the result).
/// </summary>
public sealed record GateResult(string Gate, bool Passed, string Summary, string? EvidenceKind = null, string? EvidenceId = null, List<string>? Details = null)
{
    /// <summary>Passed, but with something a signer must read (nothing to check, or warnings): shown as a warning, never as a clean pass.</summary>
    public bool Warning { get; init; }
}

internal sealed class ApprovalRequestConfiguration : IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<ApprovalRequest> b)
    {
        b.ToTable("ApprovalRequests");
        b.Property(r => r.Id).HasMaxLength(36);
        b.Property(r => r.Kind).HasMaxLength(64).IsRequired();
        b.Property(r => r.SubjectType).HasMaxLength(64).IsRequired();
        b.Property(r => r.SubjectId).HasMaxLength(128).IsRequired();
        b.Property(r => r.Summary).HasMaxLength(500).IsRequired();
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.Property(r => r.RequestedByUserId).HasMaxLength(450);
        b.Property(r => r.DecidedBy).HasMaxLength(256);
        b.Property(r => r.DecisionComment).HasMaxLength(4000);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.TargetStage).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Justification).HasMaxLength(4000).IsRequired();
        b.Property(r => r.Required).AsJson();
        b.Property(r => r.Gates).AsJson();
        b.Property(r => r.GateOverrideBy).HasMaxLength(256);
        b.Property(r => r.GateOverrideReason).HasMaxLength(2000);
        b.Ignore(r => r.Blocked);
        b.Ignore(r => r.IsOpen);
        b.HasIndex(r => new { r.Status, r.Kind });
        b.HasIndex(r => new { r.ModelId, r.RequestedAt });
        b.HasOne<ApprovalPolicy>().WithMany().HasForeignKey(r => r.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}
