using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Training;

/// <summary>One boosting round's training and validation metric, written while the run goes (the live chart reads them).</summary>
public sealed class TrainingRound
{
    public Guid RunId { get; set; }
    public int Round { get; set; }
    public string Metric { get; set; } = "";
    public double Train { get; set; }
    public double Validation { get; set; }
}

internal sealed class TrainingRoundConfiguration : IEntityTypeConfiguration<TrainingRound>
{
    public void Configure(EntityTypeBuilder<TrainingRound> b)
    {
        b.ToTable("TrainingRounds");
        b.HasKey(r => new { r.RunId, r.Round });
        b.Property(r => r.Metric).HasMaxLength(32).IsRequired();
    }
}
