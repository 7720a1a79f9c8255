using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Scheduling;

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

internal sealed class JobScheduleConfiguration : IEntityTypeConfiguration<JobSchedule>
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
