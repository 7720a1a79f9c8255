using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.ModelRegistry;

/// <summary>
/// An immutable model version: a model package in the artifact store, addressed by its SHA-256, with
/// what produced it. Nothing here changes after it is written except the stage.
/// </summary>
public sealed class ModelVersion
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    /// <summary>1, 2, 3 … per model.</summary>
    public int Number { get; set; }
    public string PackageSha256 { get; set; } = "";
    public long PackageSize { get; set; }
    /// <summary>"binaryClassification" or "regression", as in the manifest.</summary>
    public string Task { get; set; } = "";
    /// <summary>The input columns the model reads, in order.</summary>
    public List<string> Features { get; set; } = [];
    public string Engine { get; set; } = "xgboost";
    public string EngineVersion { get; set; } = "";
    public int? Seed { get; set; }
    public Dictionary<string, string> Hyperparameters { get; set; } = [];
    public string? TrainingDataSha256 { get; set; }
    public Guid? TrainingDatasetVersionId { get; set; }
    /// <summary>The training run (its job run id) that produced it; null for an externally trained version.</summary>
    public Guid? TrainingRunId { get; set; }
    public bool ExternallyTrained { get; set; }
    /// <summary>For external versions: where it came from, in the caller's words (a repository, a notebook, a run URL).</summary>
    public string? Source { get; set; }
    public string? CodeVersion { get; set; }
    public VersionStage Stage { get; set; }
    /// <summary>Metrics on the run's 20 % validation split (JSON), for a first look; evaluations use a holdout.</summary>
    public string? ValidationMetrics { get; set; }
    /// <summary>Who trained or registered it (segregation of duties: they never sign its promotion).</summary>
    public string TrainedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> b)
    {
        b.ToTable("ModelVersions");
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.PackageSha256).HasMaxLength(64).IsRequired();
        b.Property(v => v.Task).HasMaxLength(32).IsRequired();
        b.Property(v => v.Features).AsJson();
        b.Property(v => v.Engine).HasMaxLength(32).IsRequired();
        b.Property(v => v.EngineVersion).HasMaxLength(32).IsRequired();
        b.Property(v => v.Hyperparameters).AsJson();
        b.Property(v => v.TrainingDataSha256).HasMaxLength(64);
        b.Property(v => v.Source).HasMaxLength(2000);
        b.Property(v => v.CodeVersion).HasMaxLength(200);
        b.Property(v => v.Stage).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.TrainedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(v => new { v.ModelId, v.Number }).IsUnique();
        // The same package is one version of a model: a repeated run with the same inputs and seed points to it.
        b.HasIndex(v => new { v.ModelId, v.PackageSha256 }).IsUnique();
        b.HasOne<Model>().WithMany().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}
