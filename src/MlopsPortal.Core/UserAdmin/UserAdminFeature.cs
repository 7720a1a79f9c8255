using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.UserAdmin;

public static class UserAdminFeature
{
    /// <summary>The useradmin feature's services.</summary>
    public static IServiceCollection AddUserAdminFeature(this IServiceCollection services)
    {
        services.AddScoped<UserAdminService>();
        return services;
    }
}
