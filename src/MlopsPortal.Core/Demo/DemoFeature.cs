using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Demo;

public static class DemoFeature
{
    /// <summary>The demo feature's services.</summary>
    public static IServiceCollection AddDemoFeature(this IServiceCollection services)
    {
        services.AddScoped<DemoSeeder>();
        services.AddScoped<DemoWorkspace>();
        services.AddSingleton<DemoProgress>();
        return services;
    }
}
