using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Approvals;

/// <summary>A version retrained because of a drift alert asks for promotion to Production in the run's outcome transaction.</summary>
public sealed class PromotionAfterRetraining : IFollowsRetraining
{
    public async Task RetrainedAfterAlertAsync(PortalDbContext db, JobContext context, Model model, ModelVersion version, CancellationToken ct)
    {
        try
        {
            var request = await PromotionRequests.RequestAfterRetrainingAsync(db, context.Run.TriggeredBy, model, version, ct);
            if (request is not null) context.Progress.Log($"Asked for promotion to Production: request {request.Id} (it waits for its gates and sign-offs).");
        }
        catch (PortalValidationException e)
        {
            // No policy for the tier: the version stands; someone asks by hand once a policy exists.
            context.Progress.Log($"No promotion request: {e.Message}", "warn");
        }
    }
}
