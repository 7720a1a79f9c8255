using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.ApiTokens;

public static class ApiTokensFeature
{
    /// <summary>The API token feature's services.</summary>
    public static IServiceCollection AddApiTokensFeature(this IServiceCollection services)
    {
        services.AddScoped<ApiTokenService>();
        return services;
    }
}
