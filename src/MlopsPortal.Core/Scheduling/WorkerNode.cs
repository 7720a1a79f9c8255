using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Scheduling;

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

internal sealed class WorkerNodeConfiguration : IEntityTypeConfiguration<WorkerNode>
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
