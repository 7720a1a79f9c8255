using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Training;

/// <summary>
/// A feature's part in a retraining run that a drift alert started, written into the run's outcome transaction (the
/// new version's promotion request, for one). Registered by the feature: <c>AddSingleton&lt;IFollowsRetraining, T&gt;</c>.
/// It logs what it did to the run's progress.
/// </summary>
public interface IFollowsRetraining
{
    Task RetrainedAfterAlertAsync(PortalDbContext db, JobContext context, Model model, ModelVersion version, CancellationToken ct);
}
