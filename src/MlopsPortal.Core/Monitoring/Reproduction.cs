using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Monitoring;

/// <summary>"Reproduce training": a version's run again from its recorded inputs, and whether the package hash matched.</summary>
public sealed class Reproduction
{
    /// <summary>The reproduce job run's id.</summary>
    public Guid Id { get; set; }
    public Guid ModelVersionId { get; set; }
    public string RecordedSha256 { get; set; } = "";
    public string NewSha256 { get; set; } = "";
    public bool Identical { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class ReproductionConfiguration : IEntityTypeConfiguration<Reproduction>
{
    public void Configure(EntityTypeBuilder<Reproduction> b)
    {
        b.ToTable("Reproductions");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.RecordedSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.NewSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(r => new { r.ModelVersionId, r.CreatedAt });
    }
}
