using System.Security.Claims;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record JobRunResponse(
    Guid Id, string Kind, string Status, string TriggeredBy, string? Reason, bool RequiresGpu, DateTime QueuedAt, DateTime? DueAt, bool Late,
    DateTime? StartedAt, DateTime? FinishedAt, double? DurationSeconds, string? NodeId, int Attempts, double? RecoveredAfterSeconds,
    double? Progress, string? ProgressText, string? Summary, string? Error, string? OutputEntityType, string? OutputEntityId, string Payload, int PayloadVersion)
{
    public static JobRunResponse From(JobRun r) => new(r.Id, r.Kind, ToCamel(r.Status.ToString()), r.TriggeredBy, r.Reason, r.RequiresGpu, r.QueuedAt, r.DueAt, r.Late,
        r.StartedAt, r.FinishedAt, r.Duration?.TotalSeconds, r.NodeId, r.Attempts, r.RecoveredAfterSeconds, r.Progress, r.ProgressText,
        r.Summary, r.Error, r.OutputEntityType, r.OutputEntityId, r.Payload, r.PayloadVersion);

    internal static string ToCamel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}

public sealed record JobPage(int Total, IReadOnlyList<JobRunResponse> Items);
public sealed record ScheduleResponse(Guid Id, string Name, string Kind, string CronExpression, string TimeZoneId, string Description, bool Paused,
    DateTimeOffset? NextFireTime, bool IsSystem, string? SubjectType, string? SubjectId, string CreatedBy, Guid? LastRunId, string? LastRunStatus);
public sealed record WorkerResponse(string Id, string Host, int ProcessId, string Mode, IReadOnlyList<string> Capabilities, string? GpuName,
    string State, DateTime LastCheckInAt, DateTime StartedAt, DateTime? StoppedAt, int RunningJobs, int MaxConcurrency);
public sealed record ClusterCheckRequest(double DurationSeconds = 20, bool RequiresGpu = false);

/// <summary>/api/v1 for jobs, schedules and workers (the Jobs and Workers pages' data).</summary>
public static class SchedulingApi
{
    public static void MapSchedulingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", async (string? kind, string? status, string? node, int? skip, int? take, JobService jobs, CancellationToken ct) =>
            {
                JobRunStatus? parsed = status is null ? null
                    : Enum.TryParse<JobRunStatus>(status, ignoreCase: true, out var s) ? s
                    : throw new PortalValidationException($"Unknown status '{status}'. Use one of: {string.Join(", ", Enum.GetNames<JobRunStatus>().Select(JobRunResponse.ToCamel))}.");
                var (runs, total) = await jobs.QueryAsync(new JobRunQuery(kind, parsed, node, null, skip ?? 0, take ?? 50), ct);
                return new JobPage(total, runs.Select(JobRunResponse.From).ToList());
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Job history, newest first, filtered by kind, status and node.");

        api.MapGet("/jobs/{id:guid}", async (Guid id, JobService jobs, CancellationToken ct) => JobRunResponse.From(await jobs.GetAsync(id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("One job run with its progress and outcome.");

        api.MapPost("/jobs/{id:guid}/cancel", async (Guid id, ClaimsPrincipal principal, JobService jobs, CancellationToken ct) =>
                JobRunResponse.From(await jobs.CancelAsync(Actor.FromPrincipal(principal), id, ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Cancels a queued run, or asks a running one to stop (operators, or whoever queued it).");

        api.MapPost("/jobs/cluster-check", async (ClusterCheckRequest request, ClaimsPrincipal principal, JobService jobs, CancellationToken ct) =>
            {
                var steps = (int)Math.Clamp(Math.Ceiling(request.DurationSeconds), 1, 100);
                var run = await jobs.RequestDiagnosticAsync(Actor.FromPrincipal(principal), new DiagnosticPayload(request.DurationSeconds, steps, request.RequiresGpu), ct);
                return Results.Created($"{PortalApi.Prefix}/jobs/{run.Id}", JobRunResponse.From(run));
            })
            .RequirePolicy(Policies.OperateJobs)
            .WithSummary("Queues a cluster check: a job that runs for the given seconds with progress, optionally on a GPU node.");

        api.MapGet("/schedules", async (ScheduleService schedules, CancellationToken ct) =>
                (await schedules.ListAsync(ct)).Select(v => new ScheduleResponse(v.Schedule.Id, v.Schedule.Name, v.Schedule.Kind, v.Schedule.CronExpression,
                    v.Schedule.TimeZoneId, v.Description, v.Schedule.Paused, v.NextFireTime, v.Schedule.IsSystem, v.Schedule.SubjectType, v.Schedule.SubjectId,
                    v.Schedule.CreatedBy, v.LastRun?.Id, v.LastRun is null ? null : JobRunResponse.ToCamel(v.LastRun.Status.ToString()))))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Recurring jobs with their next fire time.");

        api.MapPost("/schedules/{id:guid}/pause", async (Guid id, ClaimsPrincipal principal, ScheduleService schedules, CancellationToken ct) =>
            {
                await schedules.PauseAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.NoContent();
            })
            .RequirePolicy(Policies.OperateJobs)
            .WithSummary("Pauses a schedule.");

        api.MapPost("/schedules/{id:guid}/resume", async (Guid id, ClaimsPrincipal principal, ScheduleService schedules, CancellationToken ct) =>
            {
                await schedules.ResumeAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.NoContent();
            })
            .RequirePolicy(Policies.OperateJobs)
            .WithSummary("Resumes a paused schedule.");

        api.MapPost("/schedules/{id:guid}/run", async (Guid id, ClaimsPrincipal principal, ScheduleService schedules, CancellationToken ct) =>
            {
                var run = await schedules.RunNowAsync(Actor.FromPrincipal(principal), id, ct);
                return Results.Created($"{PortalApi.Prefix}/jobs/{run.Id}", JobRunResponse.From(run));
            })
            .RequirePolicy(Policies.OperateJobs)
            .WithSummary("Queues one run of the schedule's job now.");

        api.MapGet("/workers", async (WorkerNodeQueries workers, CancellationToken ct) =>
                (await workers.ListAsync(ct)).Select(w => new WorkerResponse(w.Node.Id, w.Node.Host, w.Node.ProcessId, w.Node.Mode,
                    w.Node.Capabilities.Split(','), w.Node.GpuName, JobRunResponse.ToCamel(w.State.ToString()), w.Node.LastCheckInAt, w.Node.StartedAt,
                    w.Node.StoppedAt, w.RunningJobs, w.Node.MaxConcurrency)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Nodes that run jobs, with their state.");
    }
}
