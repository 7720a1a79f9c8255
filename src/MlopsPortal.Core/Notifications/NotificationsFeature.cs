using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Notifications;

public static class NotificationsFeature
{
    /// <summary>The notifications feature's services.</summary>
    public static IServiceCollection AddNotificationsFeature(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section);
        services.AddHttpClient(nameof(NotificationDispatcher));
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<NotificationCenter>();
        return services;
    }
}
