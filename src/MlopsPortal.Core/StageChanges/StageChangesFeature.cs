using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.StageChanges;

public static class StageChangesFeature
{
    /// <summary>The stagechanges feature's services.</summary>
    public static IServiceCollection AddStageChangesFeature(this IServiceCollection services)
    {
        services.AddSingleton<StageChangeService>();
        return services;
    }
}
