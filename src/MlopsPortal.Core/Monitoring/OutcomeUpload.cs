using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Monitoring;

/// <summary>One upload of true labels: a dataset version of "&lt;model&gt;-outcomes" and what matched.</summary>
public sealed class OutcomeUpload
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public long Rows { get; set; }
    /// <summary>Rows whose key a scoring output of the model holds and that had no outcome yet: they count.</summary>
    public long Matched { get; set; }
    /// <summary>Keys no scoring output of the model holds (kept in the file, counted nowhere).</summary>
    public long Unknown { get; set; }
    /// <summary>Keys repeated in the file or labelled by an earlier upload: the first label stands.</summary>
    public long Duplicates { get; set; }
    public List<string> UnknownSample { get; set; } = [];
    public List<string> DuplicateSample { get; set; } = [];
    /// <summary>The scoring jobs whose rows this upload labels.</summary>
    public List<Guid> LabelledJobs { get; set; } = [];
    public string UploadedBy { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}

internal sealed class OutcomeUploadConfiguration : IEntityTypeConfiguration<OutcomeUpload>
{
    public void Configure(EntityTypeBuilder<OutcomeUpload> b)
    {
        b.ToTable("OutcomeUploads");
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.UnknownSample).AsJson();
        b.Property(o => o.DuplicateSample).AsJson();
        b.Property(o => o.LabelledJobs).AsJson();
        b.Property(o => o.UploadedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(o => new { o.ModelId, o.UploadedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(o => o.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
