using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

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

/// <summary>
/// One immutable version of a dataset: the bytes (by SHA-256 in the artifact store), their shape,
/// the inferred schema and the profile, as JSON. Never edited after it is written.
/// </summary>
public sealed class DatasetVersion
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public int Version { get; set; }
    public string Sha256 { get; set; } = "";
    public long SizeBytes { get; set; }
    public long RowCount { get; set; }
    public int ColumnCount { get; set; }
    /// <summary>Columns with name, type, nullable, categories and min/max (JSON).</summary>
    public string Schema { get; set; } = "[]";
    /// <summary>Per column: missing rate, quantiles, histogram or frequencies (JSON).</summary>
    public string Profile { get; set; } = "[]";
    /// <summary>What the reader noticed and fixed (renamed duplicate columns, padded rows), as a JSON array.</summary>
    public string Warnings { get; set; } = "[]";
    public string? SourceFileName { get; set; }
    public string AddedBy { get; set; } = "";
    public DateTime AddedAt { get; set; }
}

public sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
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

public sealed class DatasetVersionConfiguration : IEntityTypeConfiguration<DatasetVersion>
{
    public void Configure(EntityTypeBuilder<DatasetVersion> b)
    {
        b.ToTable("DatasetVersions");
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(v => v.Schema).IsRequired();
        b.Property(v => v.Profile).IsRequired();
        b.Property(v => v.Warnings).IsRequired();
        b.Property(v => v.SourceFileName).HasMaxLength(260);
        b.Property(v => v.AddedBy).HasMaxLength(256).IsRequired();
        b.HasOne<Dataset>().WithMany().HasForeignKey(v => v.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(v => new { v.DatasetId, v.Version }).IsUnique();
        b.HasIndex(v => new { v.DatasetId, v.Sha256 });
        b.HasIndex(v => v.AddedAt);
    }
}
