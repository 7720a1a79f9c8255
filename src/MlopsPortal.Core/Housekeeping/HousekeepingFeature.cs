using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Housekeeping;

public static class HousekeepingFeature
{
    /// <summary>The housekeeping feature's services and job kinds.</summary>
    public static IServiceCollection AddHousekeepingFeature(this IServiceCollection services)
    {
        services.AddSingleton<ArtifactSweeper>();
        services.AddSingleton<INodeStartupTask, SweepAtNodeStart>();
        services.AddJobKind<ApplyRetentionJob>(ApplyRetentionJob.Kind, "Retention",
            "Deletes finished job history and gone worker nodes older than the retention settings; sweeps leftovers from the artifact store.",
            MisfirePolicy.Skip, schedulable: true, system: new SystemSchedule("Apply retention", "0 30 3 * * ?"));
        return services;
    }
}
