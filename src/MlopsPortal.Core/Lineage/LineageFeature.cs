using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Lineage;

public static class LineageFeature
{
    /// <summary>The lineage feature's services.</summary>
    public static IServiceCollection AddLineageFeature(this IServiceCollection services)
    {
        services.AddSingleton<LineageService>();
        services.AddSingleton<PredictionReasons>();
        return services;
    }
}
