using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// One execution of a job kind, from the request (or the schedule's firing) to its outcome: the job
/// history that the Jobs page shows. Quartz keeps what is due; this row keeps what happened.
/// Progress, heartbeats and log lines are operational telemetry (not audited); the request and the
/// outcome are audit events written with the row (ADR-008).
/// </summary>
public sealed class JobRun
{
    public Guid Id { get; set; }
    /// <summary>A <see cref="JobKinds"/> name, e.g. "training".</summary>
    public string Kind { get; set; } = "";
    public JobRunStatus Status { get; set; }
    /// <summary>Quartz's job key ("group.name") that executes this run.</summary>
    public string JobKey { get; set; } = "";
    public Guid? ScheduleId { get; set; }
    /// <summary>Who or what asked: "user:NAME", "schedule:NAME (by user:NAME)", "drift-alert:ID", "cli:USER".</summary>
    public string TriggeredBy { get; set; } = "";
    public string? Reason { get; set; }
    /// <summary>The job data: versioned JSON, read by the job kind (see <see cref="JobPayload"/>).</summary>
    public string Payload { get; set; } = "{}";
    public int PayloadVersion { get; set; } = 1;
    public bool RequiresGpu { get; set; }
    public DateTime QueuedAt { get; set; }
    /// <summary>When the trigger was due; later than this by more than the misfire threshold = late.</summary>
    public DateTime? DueAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public DateTime? LastHeartbeatAt { get; set; }
    /// <summary>Node (Quartz instance id) running it now, or the last one that did.</summary>
    public string? NodeId { get; set; }
    public int Attempts { get; set; }
    /// <summary>Seconds from the dead node's last heartbeat to the restart elsewhere (recovered runs only).</summary>
    public double? RecoveredAfterSeconds { get; set; }
    public bool Late { get; set; }
    public double? Progress { get; set; }
    public string? ProgressText { get; set; }
    public bool CancelRequested { get; set; }
    public string? CancelRequestedBy { get; set; }
    public string? Summary { get; set; }
    public string? Error { get; set; }
    /// <summary>What it produced, for the history's link ("model-version", "report", …).</summary>
    public string? OutputEntityType { get; set; }
    public string? OutputEntityId { get; set; }

    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;

    public bool IsActive => Status is JobRunStatus.Queued or JobRunStatus.Running;
}

public enum JobRunStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
    /// <summary>Runs of the first releases whose kind was not built yet (none are written any more; old rows keep it).</summary>
    NotAvailable = 5,
    /// <summary>A schedule fired while no node was up and its misfire policy skips missed firings.</summary>
    Missed = 6,
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("JobRuns");
        b.Property(r => r.Id).ValueGeneratedNever();
        // Each claim increments it: a save from a node whose attempt was taken over fails (ADR-008).
        b.Property(r => r.Attempts).IsConcurrencyToken();
        b.Property(r => r.Kind).HasMaxLength(64).IsRequired();
        b.Property(r => r.JobKey).HasMaxLength(256).IsRequired();
        b.Property(r => r.TriggeredBy).HasMaxLength(256).IsRequired();
        b.Property(r => r.Reason).HasMaxLength(1000);
        b.Property(r => r.NodeId).HasMaxLength(200);
        b.Property(r => r.ProgressText).HasMaxLength(500);
        b.Property(r => r.CancelRequestedBy).HasMaxLength(256);
        b.Property(r => r.Summary).HasMaxLength(2000);
        b.Property(r => r.Error).HasMaxLength(4000);
        b.Property(r => r.OutputEntityType).HasMaxLength(64);
        b.Property(r => r.OutputEntityId).HasMaxLength(128);
        b.Ignore(r => r.Duration);
        b.Ignore(r => r.IsActive);
        b.HasIndex(r => new { r.Status, r.QueuedAt });
        b.HasIndex(r => r.QueuedAt);
        b.HasIndex(r => r.ScheduleId);
    }
}
