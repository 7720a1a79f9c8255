using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;

namespace MlopsPortal.Core.Monitoring;

/// <summary>A model's first Production version gets an hourly live-performance schedule.</summary>
public sealed class LivePerformanceScheduleOnProduction : IFollowsProduction
{
    public Task EnteredProductionAsync(PortalDbContext db, string auditActor, Model model, CancellationToken ct) =>
        ScheduleService.EnsureForSubjectAsync(db, auditActor,
            SubjectSchedule.ForModel(model.Id, model.Slug, MeasureLivePerformanceJob.Kind, $"Live performance of {model.Slug}", new LivePerformancePayload(model.Slug)),
            MeasureLivePerformanceJob.ScheduleCron, "first Production version", ct);
}
