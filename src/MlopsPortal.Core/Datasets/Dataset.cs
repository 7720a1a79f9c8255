using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Datasets;

/// <summary>A named dataset; its content lives in immutable versions.</summary>
public sealed class Dataset
{
    public Guid Id { get; set; }
    /// <summary>Unique: lowercase letters, digits, dots, dashes and underscores.</summary>
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Columns whose values previews hide from roles that need not see them (see docs/roles.md).</summary>
    public List<string> SensitiveColumns { get; set; } = [];
    /// <summary>The newest version's number and the number of versions, kept with each added version (fast grids).</summary>
    public int LatestVersion { get; set; }
    public int VersionCount { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> b)
    {
        b.ToTable("Datasets");
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Name).HasMaxLength(Security.InputLimits.ShortName).IsRequired();
        b.Property(d => d.Description).HasMaxLength(Security.InputLimits.Prose).IsRequired();
        b.Property(d => d.SensitiveColumns).AsJson();
        b.Property(d => d.CreatedBy).HasMaxLength(256).IsRequired();
        b.Property(d => d.UpdatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(d => d.Name).IsUnique();
        b.HasIndex(d => d.UpdatedAt);
    }
}
