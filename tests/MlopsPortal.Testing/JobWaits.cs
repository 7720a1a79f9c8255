using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Testing;

/// <summary>Waiting for the portal's jobs, as the test classes that queue them do.</summary>
public static class JobWaits
{
    /// <summary>The first run (of the newest 500) that meets <paramref name="condition"/>; gives up after two minutes naming <paramref name="what"/>.</summary>
    public static async Task<JobRun> WaitForRunAsync(this PortalTestHost host, Func<JobRun, bool> condition, string what)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var (runs, _) = await host.Services.GetRequiredService<JobService>().QueryAsync(new JobRunQuery(Take: 500));
            if (runs.FirstOrDefault(condition) is { } run) return run;
            if (limit.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException("Gave up waiting for: " + what);
            await Task.Delay(200);
        }
    }

    /// <summary>The run once it has ended, whatever its outcome.</summary>
    public static Task<JobRun> WaitUntilEndedAsync(this PortalTestHost host, JobRun run) =>
        host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, $"run {run.Id}");
}
