using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Training;

/// <summary>A batch the champion scored and the Staging challenger scored too, as shadow output nothing downstream reads.</summary>
public sealed class ShadowScoring
{
    /// <summary>The scoring job run's id.</summary>
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid ChampionVersionId { get; set; }
    public Guid ChallengerVersionId { get; set; }
    public Guid InputDatasetVersionId { get; set; }
    public Guid? ChampionOutputId { get; set; }
    /// <summary>The shadow scores: a blob of the artifact store, never a dataset version.</summary>
    public string ShadowSha256 { get; set; } = "";
    public long Rows { get; set; }
    /// <summary>Share of rows where both versions made the same decision (classifiers) — null for regressors.</summary>
    public double? AgreementRate { get; set; }
    public double MeanAbsDifference { get; set; }
    public List<long> ChampionHistogram { get; set; } = [];
    public List<long> ChallengerHistogram { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

internal sealed class ShadowScoringConfiguration : IEntityTypeConfiguration<ShadowScoring>
{
    public void Configure(EntityTypeBuilder<ShadowScoring> b)
    {
        b.ToTable("ShadowScorings");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.ShadowSha256).HasMaxLength(64).IsRequired();
        b.Property(s => s.ChampionHistogram).AsJson();
        b.Property(s => s.ChallengerHistogram).AsJson();
        b.HasIndex(s => new { s.ChallengerVersionId, s.CreatedAt });
        b.HasOne<Model>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
