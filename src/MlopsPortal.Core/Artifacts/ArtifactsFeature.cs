using Microsoft.Extensions.DependencyInjection;

namespace MlopsPortal.Core.Artifacts;

public static class ArtifactsFeature
{
    /// <summary>The artifacts feature's services.</summary>
    public static IServiceCollection AddArtifactsFeature(this IServiceCollection services)
    {
        services.AddSingleton<IArtifactStore, FileSystemArtifactStore>();
        services.AddOptions<ArtifactOptions>().BindConfiguration(ArtifactOptions.Section);
        return services;
    }
}
