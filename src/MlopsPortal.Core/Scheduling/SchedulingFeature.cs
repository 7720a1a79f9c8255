using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling.Jobs;

namespace MlopsPortal.Core.Scheduling;

public static class SchedulingFeature
{
    /// <summary>The scheduling feature's services and job kinds.</summary>
    public static IServiceCollection AddSchedulingFeature(this IServiceCollection services)
    {
        services.AddJobKind<RunDiagnosticJob>(RunDiagnosticJob.Kind, "Cluster check",
            "Runs for a set time with progress and writes a small file: shows that nodes take, run, report and recover jobs.");
        return services;
    }
}
