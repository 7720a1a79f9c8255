using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;

namespace MlopsPortal.Core.Monitoring;

public static class MonitoringFeature
{
    /// <summary>The monitoring feature's services and job kinds.</summary>
    public static IServiceCollection AddMonitoringFeature(this IServiceCollection services)
    {
        services.AddSingleton<OutcomeService>();
        services.AddSingleton<MonitoringService>();
        services.AddSingleton<IFollowsProduction, LivePerformanceScheduleOnProduction>();
        services.AddJobKind<MeasureLivePerformanceJob>(MeasureLivePerformanceJob.Kind, "Live performance",
            "Measures the Production version on scored rows whose outcomes arrived; applies the signed rollback rules.", schedulable: true);
        services.AddJobKind<ReproduceTrainingJob>(ReproduceTrainingJob.Kind, "Reproduce training",
            "Trains a version again from its recorded inputs and compares the package hash.");
        return services;
    }
}
