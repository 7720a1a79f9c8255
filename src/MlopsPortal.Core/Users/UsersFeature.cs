using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Users;

public static class UsersFeature
{
    /// <summary>The users feature's services.</summary>
    public static IServiceCollection AddUsersFeature(this IServiceCollection services)
    {
        services.AddSingleton<UnknownAccountLockout>();
        return services;
    }
}
