using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Scheduling;

/// <summary>A line of a run's log, shown live on the Jobs page.</summary>
public sealed class JobLogLine
{
    public long Id { get; set; }
    public Guid JobRunId { get; set; }
    public DateTime At { get; set; }
    public string Level { get; set; } = "info";
    public string Message { get; set; } = "";
}

internal sealed class JobLogLineConfiguration : IEntityTypeConfiguration<JobLogLine>
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
