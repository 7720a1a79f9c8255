using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.ModelRegistry;

/// <summary>The lock on a model's row that its versions' writers take turns on.</summary>
public static class ModelRowLock
{
    /// <summary>
    /// Serializes the writers of one model's versions and scores inside the caller's transaction (a no-op
    /// update takes the row's lock), so that "the next number" is read and written by one of them at a time.
    /// </summary>
    public static Task TakeAsync(PortalDbContext db, Guid modelId, CancellationToken ct) =>
        db.Models.Where(m => m.Id == modelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Slug, m => m.Slug), ct);
}
