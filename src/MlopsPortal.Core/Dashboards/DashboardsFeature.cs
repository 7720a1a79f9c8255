using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Dashboards;

public static class DashboardsFeature
{
    /// <summary>The dashboards feature's services.</summary>
    public static IServiceCollection AddDashboardsFeature(this IServiceCollection services)
    {
        services.AddSingleton<DashboardService>();
        services.AddScoped<HomeService>();
        return services;
    }
}
