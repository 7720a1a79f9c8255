namespace MlopsPortal.Core.Scheduling.Jobs;

// Kinds whose work lands with later issues. Each is a real Quartz job with its key, payload and
// recovery settings, and says plainly that it did nothing: history shows "not available", never success.

public sealed class GenerateReportJob(JobServices services) : PortalJob(services)
{
    protected override Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct) =>
        Task.FromResult(JobOutcome.Placeholder("Report generation", 10));
}
