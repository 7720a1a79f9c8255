using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.AuditTrail;

public static class AuditTrailFeature
{
    /// <summary>The audittrail feature's services.</summary>
    public static IServiceCollection AddAuditTrailFeature(this IServiceCollection services)
    {
        services.AddScoped<AuditTrailService>();
        return services;
    }
}
