using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Reports;

/// <summary>The report-generation job: draws, signs and stores, then archives in the job's outcome transaction.</summary>
public sealed class GenerateReportJob(JobServices services, ReportGenerator generator) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "report-generation";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var drawn = await generator.DrawAsync(context.Run.Id, context.Payload<ReportPayload>(), context.Run.TriggeredBy, (p, text) => context.Progress.Report(p, text), ct);
        return new JobOutcome($"{drawn.Title}: {drawn.Pages} pages, signed, SHA-256 {drawn.Blob.Sha256[..12]}…", EntityKinds.Report)
        {
            OutputEntityId = drawn.Id.ToString(),
            Persist = (db, _) =>
            {
                ReportGenerator.Archive(db, drawn, Actor.Job(context.Run.JobKey).AuditName);
                return Task.CompletedTask;
            },
        };
    }
}
