namespace MlopsPortal.Core.Scheduling.Jobs;

/// <summary>A cluster check: how long to run, in how many steps, and whether it needs a GPU node.</summary>
public sealed record DiagnosticPayload(double DurationSeconds = 0, int Steps = 1, bool RequiresGpu = false) : JobPayload;

/// <summary>
/// Runs for the asked time, reporting progress, then writes a small report file atomically. Starting
/// over on recovery is safe: the file is keyed by the run and replaced whole.
/// </summary>
public sealed class RunDiagnosticJob(JobServices services) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "diagnostic";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<DiagnosticPayload>();
        var steps = Math.Clamp(payload.Steps, 1, 10_000);
        var started = DateTime.UtcNow;
        for (var i = 1; i <= steps; i++)
        {
            if (payload.DurationSeconds > 0)
                await Task.Delay(TimeSpan.FromSeconds(payload.DurationSeconds / steps), ct);
            context.Progress.Report((double)i / steps, $"step {i} of {steps}");
            if (steps > 1 && (i == steps || i % Math.Max(1, steps / 10) == 0))
                context.Progress.Log($"Step {i} of {steps} done.");
        }
        var file = Path.Combine(Services.Paths.ArtifactsDirectory, "diagnostics", $"{context.Run.Id:N}.txt");
        await AtomicFile.WriteAllTextAsync(file,
            $"run {context.Run.Id}\nnode {Services.Node.Id}\ncapabilities {string.Join(",", Services.Node.Capabilities)}\n" +
            $"gpu {Services.Node.GpuName ?? "none"}\nattempt {context.Run.Attempts}\nstarted {started:O}\nfinished {DateTime.UtcNow:O}\n", ct);
        return new JobOutcome(
            $"Ran {payload.DurationSeconds:0.###} s in {steps} step(s) on {Services.Node.Id}" +
            (Services.Node.GpuName is { } gpu ? $" ({gpu})." : "."), "diagnostic-file", $"diagnostics/{context.Run.Id:N}.txt");
    }
}
