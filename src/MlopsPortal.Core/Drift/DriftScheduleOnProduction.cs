using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.StageChanges;

namespace MlopsPortal.Core.Drift;

/// <summary>A model's first Production version gets a daily drift schedule on its scoring inputs.</summary>
public sealed class DriftScheduleOnProduction : IFollowsProduction
{
    public Task EnteredProductionAsync(PortalDbContext db, string auditActor, Model model, CancellationToken ct) =>
        ScheduleService.EnsureForSubjectAsync(db, auditActor,
            SubjectSchedule.ForModel(model.Id, model.Slug, ReportDriftJob.Kind, $"Drift of {model.Slug}",
                new DriftReportPayload(new DriftReportRequest(model.Slug, WindowHours: DriftService.DefaultWindowHours))),
            DriftService.DefaultScheduleCron, "first Production version", ct);
}
