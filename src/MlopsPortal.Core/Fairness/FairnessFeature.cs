using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Fairness;

public static class FairnessFeature
{
    /// <summary>The fairness feature's services and job kinds.</summary>
    public static IServiceCollection AddFairnessFeature(this IServiceCollection services)
    {
        services.AddSingleton<FairnessService>();
        services.AddJobKind<AuditFairnessJob>(AuditFairnessJob.Kind, "Fairness audit",
            "Computes group and intersectional fairness metrics for a model version.");
        return services;
    }
}
