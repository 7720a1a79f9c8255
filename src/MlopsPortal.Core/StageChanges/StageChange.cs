using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.StageChanges;

/// <summary>One change of a version's stage: what, when, and the request or rule that made it.</summary>
public sealed class StageChange
{
    public long Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ModelVersionId { get; set; }
    public int VersionNumber { get; set; }
    public VersionStage From { get; set; }
    public VersionStage To { get; set; }
    /// <summary>The request that completed (promotion or rollback), or for the version it replaced, the same request.</summary>
    public string? RequestId { get; set; }
    /// <summary>"promotion", "rollback", "replaced" (archived by a newer Production version) or "automatic-rollback".</summary>
    public string Reason { get; set; } = "";
    /// <summary>Who signed the request, as "name (role)" lines, kept with the change for reports.</summary>
    public List<string> SignedBy { get; set; } = [];
    public DateTime ChangedAt { get; set; }
}

internal sealed class StageChangeConfiguration : IEntityTypeConfiguration<StageChange>
{
    public void Configure(EntityTypeBuilder<StageChange> b)
    {
        b.ToTable("StageChanges");
        b.Property(s => s.From).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.To).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.RequestId).HasMaxLength(36);
        b.Property(s => s.Reason).HasMaxLength(32).IsRequired();
        b.Property(s => s.SignedBy).AsJson();
        b.HasIndex(s => new { s.ModelId, s.ChangedAt });
        b.HasIndex(s => s.ModelVersionId);
    }
}
