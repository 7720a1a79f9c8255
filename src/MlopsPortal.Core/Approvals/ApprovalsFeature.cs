using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Approvals;

public static class ApprovalsFeature
{
    /// <summary>The approvals feature's services and job kinds.</summary>
    public static IServiceCollection AddApprovalsFeature(this IServiceCollection services)
    {
        services.AddSingleton<PromotionRequests>();
        services.AddSingleton<ModelChangeRequests>();
        // Scoped: sign-offs and delegations check people through Identity's UserManager, a scoped service.
        services.AddScoped<SignOffService>();
        services.AddScoped<Delegations>();
        services.AddSingleton<ApprovalQueries>();
        services.AddSingleton<ApprovalPolicies>();
        services.AddSingleton<BusinessReviewService>();
        services.AddSingleton<IFollowsRetraining, PromotionAfterRetraining>();
        services.AddJobKind<ExpireApprovalRequestsJob>(ExpireApprovalRequestsJob.Kind, "Approval expiry",
            "Marks open approval requests past their expiry as expired.",
            schedulable: true, system: new SystemSchedule("Expire approval requests", "0 */15 * * * ?"));
        return services;
    }
}
