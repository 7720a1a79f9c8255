using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.ModelRegistry;

public static class ModelRegistryFeature
{
    /// <summary>The modelregistry feature's services.</summary>
    public static IServiceCollection AddModelRegistryFeature(this IServiceCollection services)
    {
        services.AddSingleton<ModelService>();
        return services;
    }
}
