namespace MlopsPortal.Core.Approvals;

/// <summary>
/// The generic approval mechanism (contracts §6): a request of some kind about a subject, opened by
/// one person and decided by others. Privileged role grants use it now; promotions, rollbacks and
/// criteria changes join with the approvals issue.
/// </summary>
public sealed class ApprovalRequest
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string SubjectType { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string Summary { get; set; } = "";
    /// <summary>Kind-specific JSON (for a role grant: the role).</summary>
    public string Payload { get; set; } = "{}";
    public string RequestedBy { get; set; } = "";
    public string? RequestedByUserId { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public ApprovalStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionComment { get; set; }
}

public enum ApprovalStatus
{
    Open = 0,
    Approved = 1,
    Rejected = 2,
    Expired = 3,
}

public static class ApprovalKinds
{
    public const string RoleGrant = "role-grant";
}
