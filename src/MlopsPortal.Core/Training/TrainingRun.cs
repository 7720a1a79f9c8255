using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Training;

/// <summary>What started a training run.</summary>
public static class TrainingTriggers
{
    public const string User = "user";
    public const string Schedule = "schedule";
    public const string DriftAlert = "drift-alert";
    public static readonly IReadOnlyList<string> All = [User, Schedule, DriftAlert];
}

/// <summary>
/// The record of a training run. Its id is its job run's id: status, node, attempts and timings live on
/// the job run; this holds what only training has. Written when the job starts (so a failed run is
/// listed with its inputs) and completed with the version in the job's outcome transaction.
/// </summary>
public sealed class TrainingRun
{
    public Guid Id { get; set; }
    public Guid ModelId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public string DataSha256 { get; set; } = "";
    /// <summary>The parameters as requested; the version holds the effective ones (defaults filled in).</summary>
    public Dictionary<string, string> Parameters { get; set; } = [];
    public int Seed { get; set; }
    public string? CodeVersion { get; set; }
    public string Trigger { get; set; } = TrainingTriggers.User;
    public string? Reason { get; set; }
    public string RequestedBy { get; set; } = "";
    public string NodeId { get; set; } = "";
    /// <summary>The engine that trained (<c>xgboost</c>, <c>mlnet-fasttree</c>, <c>mlnet-lightgbm</c>, <c>mlnet-logistic</c>).</summary>
    public string Engine { get; set; } = "xgboost";
    public string EngineVersion { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public int? TrainRows { get; set; }
    public int? ValidationRows { get; set; }
    /// <summary>Seconds spent reading and encoding the data, and boosting.</summary>
    public double? PrepareSeconds { get; set; }
    public double? BoostSeconds { get; set; }
    public Guid? ModelVersionId { get; set; }
}

internal sealed class TrainingRunConfiguration : IEntityTypeConfiguration<TrainingRun>
{
    public void Configure(EntityTypeBuilder<TrainingRun> b)
    {
        b.ToTable("TrainingRuns");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.DataSha256).HasMaxLength(64).IsRequired();
        b.Property(r => r.Parameters).AsJson();
        b.Property(r => r.CodeVersion).HasMaxLength(200);
        b.Property(r => r.Trigger).HasMaxLength(32).IsRequired();
        b.Property(r => r.Reason).HasMaxLength(500);
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.Property(r => r.NodeId).HasMaxLength(200).IsRequired();
        b.Property(r => r.Engine).HasMaxLength(32).IsRequired();
        b.Property(r => r.EngineVersion).HasMaxLength(32).IsRequired();
        b.HasIndex(r => new { r.ModelId, r.StartedAt });
    }
}
