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
    /// <summary>The kind exists but its implementation lands with a later issue; it did nothing.</summary>
    NotAvailable = 5,
    /// <summary>A schedule fired while no node was up and its misfire policy skips missed firings.</summary>
    Missed = 6,
}

/// <summary>A line of a run's log, shown live on the Jobs page.</summary>
public sealed class JobLogLine
{
    public long Id { get; set; }
    public Guid JobRunId { get; set; }
    public DateTime At { get; set; }
    public string Level { get; set; } = "info";
    public string Message { get; set; } = "";
}

/// <summary>A process that runs jobs (a portal or a worker), as it checks in.</summary>
public sealed class WorkerNode
{
    /// <summary>The Quartz scheduler instance id: unique per process, never reused.</summary>
    public string Id { get; set; } = "";
    public string Host { get; set; } = "";
    public int ProcessId { get; set; }
    /// <summary>"portal" or "worker".</summary>
    public string Mode { get; set; } = "";
    /// <summary>Comma-separated: "cpu" or "cpu,gpu".</summary>
    public string Capabilities { get; set; } = "cpu";
    public string? GpuName { get; set; }
    public int MaxConcurrency { get; set; }
    public string Version { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime LastCheckInAt { get; set; }
    public DateTime? StoppedAt { get; set; }

    public bool HasGpu => Capabilities.Split(',').Contains(WorkerCapabilities.Gpu);
}

/// <summary>A recurring job: a cron expression in a time zone, owned by a subject (a model) or the system.</summary>
public sealed class JobSchedule
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    /// <summary>"model" for retraining schedules; null for housekeeping.</summary>
    public string? SubjectType { get; set; }
    public string? SubjectId { get; set; }
    public string CronExpression { get; set; } = "";
    public string TimeZoneId { get; set; } = "UTC";
    public bool Paused { get; set; }
    public string Payload { get; set; } = "{}";
    public int PayloadVersion { get; set; } = 1;
    public string CreatedBy { get; set; } = "";
    public string? CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    /// <summary>Housekeeping schedules are created by the portal and can be paused but not deleted.</summary>
    public bool IsSystem { get; set; }
}

public static class WorkerCapabilities
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";
    /// <summary>The Quartz execution group of jobs that need a GPU; nodes without one refuse it.</summary>
    public const string GpuExecutionGroup = "gpu";
}

public sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
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

public sealed class JobLogLineConfiguration : IEntityTypeConfiguration<JobLogLine>
{
    public void Configure(EntityTypeBuilder<JobLogLine> b)
    {
        b.ToTable("JobLogLines");
        b.Property(l => l.Level).HasMaxLength(16).IsRequired();
        b.Property(l => l.Message).HasMaxLength(2000).IsRequired();
        b.HasIndex(l => new { l.JobRunId, l.Id });
        b.HasOne<JobRun>().WithMany().HasForeignKey(l => l.JobRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class WorkerNodeConfiguration : IEntityTypeConfiguration<WorkerNode>
{
    public void Configure(EntityTypeBuilder<WorkerNode> b)
    {
        b.ToTable("WorkerNodes");
        b.Property(n => n.Id).HasMaxLength(200);
        b.Property(n => n.Host).HasMaxLength(200).IsRequired();
        b.Property(n => n.Mode).HasMaxLength(16).IsRequired();
        b.Property(n => n.Capabilities).HasMaxLength(64).IsRequired();
        b.Property(n => n.GpuName).HasMaxLength(200);
        b.Property(n => n.Version).HasMaxLength(64).IsRequired();
        b.Ignore(n => n.HasGpu);
        b.HasIndex(n => n.LastCheckInAt);
    }
}

public sealed class JobScheduleConfiguration : IEntityTypeConfiguration<JobSchedule>
{
    public void Configure(EntityTypeBuilder<JobSchedule> b)
    {
        b.ToTable("JobSchedules");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(200).IsRequired();
        b.Property(s => s.Kind).HasMaxLength(64).IsRequired();
        b.Property(s => s.SubjectType).HasMaxLength(64);
        b.Property(s => s.SubjectId).HasMaxLength(128);
        b.Property(s => s.CronExpression).HasMaxLength(200).IsRequired();
        b.Property(s => s.TimeZoneId).HasMaxLength(100).IsRequired();
        b.Property(s => s.CreatedBy).HasMaxLength(256).IsRequired();
        b.Property(s => s.CreatedByUserId).HasMaxLength(450);
        b.Property(s => s.UpdatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(s => s.Name).IsUnique();
        b.HasIndex(s => new { s.SubjectType, s.SubjectId });
    }
}
