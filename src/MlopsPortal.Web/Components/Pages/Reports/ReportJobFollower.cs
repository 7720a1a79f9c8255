using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Web.Components.Pages.Reports;

/// <summary>Follows a report job while its page is open (the job goes on without the page), redrawing at each step.</summary>
public static class ReportJobFollower
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Returns the run once it has finished; throws <see cref="OperationCanceledException"/> when the page closes first.</summary>
    public static async Task<JobRun> FollowAsync(JobService jobs, JobRun run, Action changed, CancellationToken ct)
    {
        while (run.IsActive)
        {
            changed();
            await Task.Delay(Interval, ct);
            run = await jobs.GetAsync(run.Id, ct);
        }
        return run;
    }
}
