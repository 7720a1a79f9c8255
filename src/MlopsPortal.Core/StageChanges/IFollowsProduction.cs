using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.StageChanges;

/// <summary>
/// A feature's part in a version entering Production (the drift and live-performance schedules, for instance),
/// written into the stage change's transaction. Registered by the feature: <c>AddSingleton&lt;IFollowsProduction, T&gt;</c>.
/// </summary>
public interface IFollowsProduction
{
    Task EnteredProductionAsync(PortalDbContext db, string auditActor, Model model, CancellationToken ct);
}
