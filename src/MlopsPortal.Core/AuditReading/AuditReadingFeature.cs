using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.AuditReading;

public static class AuditReadingFeature
{
    /// <summary>The auditreading feature's services.</summary>
    public static IServiceCollection AddAuditReadingFeature(this IServiceCollection services)
    {
        services.AddSingleton<ActorNameService>();
        services.AddSingleton<AuditSentenceService>();
        return services;
    }
}
