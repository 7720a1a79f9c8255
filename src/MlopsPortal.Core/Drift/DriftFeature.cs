using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;

namespace MlopsPortal.Core.Drift;

public static class DriftFeature
{
    /// <summary>The drift feature's services and job kinds.</summary>
    public static IServiceCollection AddDriftFeature(this IServiceCollection services)
    {
        services.AddSingleton<DriftService>();
        services.AddSingleton<DriftAlertFeed>();
        services.AddSingleton<IFollowsProduction, DriftScheduleOnProduction>();
        services.AddJobKind<ReportDriftJob>(ReportDriftJob.Kind, "Drift report",
            "Compares the latest scored data with the training data, per feature.", schedulable: true);
        return services;
    }
}
