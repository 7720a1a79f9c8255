using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Datasets;

public static class DatasetsFeature
{
    /// <summary>The datasets feature's services.</summary>
    public static IServiceCollection AddDatasetsFeature(this IServiceCollection services)
    {
        services.AddOptions<DatasetOptions>().BindConfiguration(DatasetOptions.Section);
        services.AddSingleton<DatasetService>();
        return services;
    }
}
