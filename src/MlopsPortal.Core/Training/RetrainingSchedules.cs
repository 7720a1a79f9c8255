using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Training;

/// <summary>A model's retraining schedule: one per model, firing a training run on the model's declared training data.</summary>
public sealed class RetrainingSchedules(IDbContextFactory<PortalDbContext> dbFactory, ScheduleService schedules)
{
    /// <summary>Creates or replaces the retraining schedule of a model.</summary>
    public async Task<JobSchedule> SetAsync(Actor actor, string modelSlug, string cron, string timeZoneId, CancellationToken ct = default)
    {
        actor.Require(JobService.OperatorRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == modelSlug, ct)
                    ?? throw new PortalNotFoundException($"No model '{modelSlug}'.");
        return await schedules.SetForSubjectAsync(actor,
            SubjectSchedule.ForModel(model.Id, model.Slug, TrainModelJob.Kind, $"Retrain {model.Slug}", new TrainingPayload(model.Slug)), cron, timeZoneId, ct);
    }
}
