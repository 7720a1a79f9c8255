using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Reports;

public static class ReportsFeature
{
    /// <summary>The reports feature's services and job kinds.</summary>
    public static IServiceCollection AddReportsFeature(this IServiceCollection services)
    {
        services.AddSingleton<ReportSigning>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<ReportGenerator>();
        services.AddSingleton<ILineageNodeSource, ReportLineageNodes>();
        services.AddJobKind<GenerateReportJob>(GenerateReportJob.Kind, "Report generation",
            "Writes a signed PDF compliance report.", schedulable: true);
        return services;
    }
}
