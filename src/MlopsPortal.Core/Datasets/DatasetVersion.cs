using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Datasets;

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

internal sealed class DatasetVersionConfiguration : IEntityTypeConfiguration<DatasetVersion>
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
