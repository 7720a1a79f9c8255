using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Training;

/// <summary>One acceptance criterion checked against an evaluation. A metric the evaluation could not compute fails.</summary>
public sealed record CriterionResult(string Metric, string Comparator, double Threshold, string OwningRole, double? Value, bool Passed);

/// <summary>
/// A version evaluated on a holdout dataset version: metrics, calibration, confusion matrix and
/// importance (Result, JSON of the engine's EvaluationResult), each acceptance criterion, and, when a
/// Production version existed, the champion evaluated on the same rows. Its id is its job run's id.
/// </summary>
public sealed class ModelEvaluation
{
    public Guid Id { get; set; }
    public Guid ModelVersionId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public double? Threshold { get; set; }
    public int Rows { get; set; }
    public string Result { get; set; } = "{}";
    public List<CriterionResult> Criteria { get; set; } = [];
    /// <summary>True when every criterion passed; null when the model has none.</summary>
    public bool? CriteriaPassed { get; set; }
    public Guid? ChampionVersionId { get; set; }
    public string? ChampionResult { get; set; }
    public List<CriterionResult> ChampionCriteria { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class ModelEvaluationConfiguration : IEntityTypeConfiguration<ModelEvaluation>
{
    public void Configure(EntityTypeBuilder<ModelEvaluation> b)
    {
        b.ToTable("ModelEvaluations");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Result).IsRequired();
        b.Property(e => e.Criteria).AsJson();
        b.Property(e => e.ChampionCriteria).AsJson();
        b.Property(e => e.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(e => new { e.ModelVersionId, e.CreatedAt });
        b.HasOne<ModelVersion>().WithMany().HasForeignKey(e => e.ModelVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}
