using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Training;

/// <summary>What evaluation and scoring read first: the version, its model and the dataset version, or a sentence saying which is gone.</summary>
internal static class VersionInputs
{
    public static async Task<(ModelVersion Version, Model Model, DatasetVersion Data)> LoadAsync(
        JobServices services, Guid versionId, Guid datasetVersionId, CancellationToken ct)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"The model version {versionId} no longer exists.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        var data = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == datasetVersionId, ct)
                   ?? throw new PortalNotFoundException($"The dataset version {datasetVersionId} no longer exists.");
        return (version, model, data);
    }
}
