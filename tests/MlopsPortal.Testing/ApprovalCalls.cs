using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;

namespace MlopsPortal.Testing;

/// <summary>The approval services of one scope, for tests that walk a request through several of them.</summary>
public sealed record ApprovalCalls(
    PromotionRequests Promotions,
    ModelChangeRequests ModelChanges,
    SignOffService SignOffs,
    ApprovalQueries ApprovalQueries,
    ApprovalPolicies Policies,
    Delegations Delegations)
{
    public static ApprovalCalls From(IServiceProvider services) => new(
        services.GetRequiredService<PromotionRequests>(), services.GetRequiredService<ModelChangeRequests>(),
        services.GetRequiredService<SignOffService>(), services.GetRequiredService<ApprovalQueries>(),
        services.GetRequiredService<ApprovalPolicies>(), services.GetRequiredService<Delegations>());
}
