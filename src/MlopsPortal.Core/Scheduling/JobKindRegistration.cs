using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MlopsPortal.Core.Scheduling;

public static class JobKindRegistration
{
    /// <summary>Registers a feature's job kind: its Quartz job type runs every run of the kind (see <see cref="JobKinds"/>).</summary>
    public static IServiceCollection AddJobKind<TJob>(this IServiceCollection services, string name, string displayName, string description,
        MisfirePolicy misfire = MisfirePolicy.RunOnceNow, bool recoverable = true, bool schedulable = false, SystemSchedule? system = null)
        where TJob : PortalJob
    {
        services.AddSingleton(new JobKind(name, displayName, typeof(TJob), misfire, recoverable, schedulable, description) { System = system });
        services.TryAddSingleton<JobKinds>();
        return services;
    }
}
