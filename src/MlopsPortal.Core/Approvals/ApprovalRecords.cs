using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Approvals;

// What the approval services take and give back (requests, sign-offs, the request page).

/// <summary>What an engineer asks for: a version to a stage, with a reason; a rollback is an earlier version back to Production.</summary>
public sealed record PromotionInput(Guid ModelVersionId, string TargetStage, string Justification, bool Rollback = false);

/// <summary>
/// A sign-off as submitted: the decision, a comment, the role to count for (when the signer could count for
/// several), whose delegate they act as (optional), and the password or authenticator code that proves it is them.
/// </summary>
public sealed record SignOffInput(bool Approve, string Comment, string? Role = null, string? OnBehalfOf = null, string? Password = null, string? Code = null);

/// <summary>One way the current user may sign a request: as a role of their own, or of someone they stand in for.</summary>
public sealed record SigningOption(string Role, string? OnBehalfOfUserId, string? OnBehalfOfUserName, Guid? DelegationId)
{
    public string Label => OnBehalfOfUserName is null ? Roles.Display(Role) : $"{Roles.Display(Role)} for {OnBehalfOfUserName}";
}

/// <summary>A request with everything its page shows.</summary>
public sealed record ApprovalView(
    ApprovalRequest Request, IReadOnlyList<SignOff> SignOffs, ApprovalPolicy? Policy, Model? Model, ModelVersion? Version,
    ModelVersion? Champion, IReadOnlyList<RoleProgress> Progress);

/// <summary>How far one required role has come: approvals so far of the count it needs.</summary>
public sealed record RoleProgress(string Role, int Required, int Approved);
