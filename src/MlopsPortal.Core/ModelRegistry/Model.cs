using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.ModelRegistry;

public enum RiskTier { Low, Medium, High, Critical }

public enum ModelTask { BinaryClassification, Regression }

/// <summary>
/// A model in the inventory: what it is for, who owns it, how risky it is, what data it expects and
/// what it must achieve. Its versions (the trained artifacts) are immutable; this definition is not,
/// and every change to it is audited.
/// </summary>
public sealed class Model
{
    public Guid Id { get; set; }
    /// <summary>Unique, URL-safe name: lowercase letters, digits and dashes. Never changes.</summary>
    public string Slug { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>User names of the owners (one or more).</summary>
    public List<string> Owners { get; set; } = [];
    public string Team { get; set; } = "";
    public string UseCase { get; set; } = "";
    public RiskTier RiskTier { get; set; } = RiskTier.Medium;
    public ModelTask Task { get; set; } = ModelTask.BinaryClassification;
    /// <summary>Columns that identify a row (contracts §2): required for scoring and matching outcomes.</summary>
    public List<string> KeyColumns { get; set; } = [];
    public string LabelColumn { get; set; } = "";
    public string? PositiveLabel { get; set; }
    public double DecisionThreshold { get; set; } = 0.5;
    public string PrimaryMetric { get; set; } = Metrics.Auc;
    public List<string> FeatureColumns { get; set; } = [];
    public List<string> SensitiveAttributes { get; set; } = [];
    public string KnownLimitations { get; set; } = "";
    public List<AcceptanceCriterion> AcceptanceCriteria { get; set; } = [];
    public DriftPolicy DriftPolicy { get; set; } = new();
    /// <summary>The schema the model expects of any dataset offered for training or scoring.</summary>
    public List<ContractColumn> DataContract { get; set; } = [];
    /// <summary>The approved confidence band (null until a business stakeholder's proposal takes effect).</summary>
    public ModelRegistry.ConfidenceBand? ConfidenceBand { get; set; }
    /// <summary>The signed rollback rules (empty until a request approves them) and the request that signed them.</summary>
    public List<ModelRegistry.RollbackRule> RollbackRules { get; set; } = [];
    public string? RollbackRulesRequestId { get; set; }
    /// <summary>The adverse-action texts of reason codes, per feature, and the compliance officer who signed them (null until then).</summary>
    public List<ModelRegistry.ReasonText> ReasonTexts { get; set; } = [];
    public string? ReasonTextsSignedBy { get; set; }
    public DateTime? ReasonTextsSignedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One row of a model's acceptance criteria: e.g. auc ≥ 0.70, owned by the business stakeholder.</summary>
public sealed record AcceptanceCriterion(string Metric, string Comparator, double Threshold, string OwningRole)
{
    public bool IsMetBy(double value) => Comparator switch
    {
        ">=" => value >= Threshold,
        ">" => value > Threshold,
        "<=" => value <= Threshold,
        "<" => value < Threshold,
        _ => false,
    };
}

/// <summary>How drift is judged for this model (issue 8 reads it): defaults plus per-column overrides.</summary>
public sealed record DriftPolicy
{
    /// <summary>The dataset drifts when at least this share of its columns drift.</summary>
    public double DriftedShareThreshold { get; init; } = 0.5;
    /// <summary>Below this many current rows a column gets "insufficient data", not a verdict.</summary>
    public int MinCurrentRows { get; init; } = 100;
    public List<ColumnDriftOverride> Overrides { get; init; } = [];
}

/// <summary>A column's own drift test and threshold (contracts §5 statistic keys).</summary>
public sealed record ColumnDriftOverride(string Column, string Test, double Threshold);

/// <summary>One column the model expects: its type (the dataset schema's names), whether it may be missing, allowed categories and range.</summary>
public sealed record ContractColumn(string Name, string Type, bool Nullable = false, List<string>? Categories = null, double? Min = null, double? Max = null);

/// <summary>The metric names used by acceptance criteria, primary metrics and (later) evaluations.</summary>
public static class Metrics
{
    public const string Auc = "auc";
    public const string Rmse = "rmse";

    public static readonly IReadOnlyList<string> Classification = [Auc, "accuracy", "precision", "recall", "f1", "logLoss", "brierScore"];
    public static readonly IReadOnlyList<string> Regression = [Rmse, "mae", "r2"];
    public static readonly IReadOnlyList<string> Comparators = [">=", ">", "<=", "<"];
    /// <summary>contracts §5's statistic keys, the tests a drift override may name.</summary>
    public static readonly IReadOnlyList<string> DriftTests = ["ks", "wassersteinNormed", "psi", "jensenShannon", "chiSquare", "zTest"];

    public static IReadOnlyList<string> For(ModelTask task) => task == ModelTask.Regression ? Regression : Classification;

    public static string DefaultPrimary(ModelTask task) => task == ModelTask.Regression ? Rmse : Auc;

    /// <summary>False for the error metrics (log loss, Brier score, RMSE, MAE), where smaller is better.</summary>
    public static bool HigherIsBetter(string metric) => metric is not ("logLoss" or "brierScore" or "rmse" or "mae");
}

internal sealed class ModelConfiguration : IEntityTypeConfiguration<Model>
{
    public void Configure(EntityTypeBuilder<Model> b)
    {
        b.ToTable("Models");
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Slug).HasMaxLength(Security.InputLimits.ShortName).IsRequired();
        b.Property(m => m.DisplayName).HasMaxLength(Security.InputLimits.Name).IsRequired();
        b.Property(m => m.Description).HasMaxLength(Security.InputLimits.Prose).IsRequired();
        b.Property(m => m.Team).HasMaxLength(Security.InputLimits.ShortName).IsRequired();
        b.Property(m => m.UseCase).HasMaxLength(Security.InputLimits.Summary).IsRequired();
        // Stored as its number (Low 0 … Critical 3) so that sorting by risk tier sorts by severity.
        b.Property(m => m.RiskTier);
        b.Property(m => m.Task).HasConversion<string>().HasMaxLength(32);
        b.Property(m => m.LabelColumn).HasMaxLength(Security.InputLimits.ColumnName).IsRequired();
        b.Property(m => m.PositiveLabel).HasMaxLength(Security.InputLimits.Name);
        b.Property(m => m.PrimaryMetric).HasMaxLength(32).IsRequired();
        b.Property(m => m.KnownLimitations).HasMaxLength(Security.InputLimits.Prose).IsRequired();
        // Lists and policies are stored as JSON text: one column type on every provider.
        b.Property(m => m.Owners).AsJson().HasMaxLength(Security.InputLimits.OwnersJson);
        b.Property(m => m.KeyColumns).AsJson();
        b.Property(m => m.FeatureColumns).AsJson();
        b.Property(m => m.SensitiveAttributes).AsJson();
        b.Property(m => m.AcceptanceCriteria).AsJson();
        b.Property(m => m.DriftPolicy).AsJson();
        b.Property(m => m.DataContract).AsJson();
        // JSON text, null until a band is approved (EF Core passes no null to a converter).
        b.Property(m => m.ConfidenceBand).HasConversion(
            v => JsonSerializer.Serialize(v, JsonColumnExtensions.Options),
            s => JsonSerializer.Deserialize<ModelRegistry.ConfidenceBand>(s, JsonColumnExtensions.Options)).HasMaxLength(100);
        b.Property(m => m.RollbackRules).AsJson();
        b.Property(m => m.RollbackRulesRequestId).HasMaxLength(64);
        b.Property(m => m.ReasonTexts).AsJson();
        b.Property(m => m.ReasonTextsSignedBy).HasMaxLength(256);
        b.Property(m => m.CreatedBy).HasMaxLength(256).IsRequired();
        b.Property(m => m.UpdatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(m => m.Slug).IsUnique();
        b.HasIndex(m => m.DisplayName);
        b.HasIndex(m => m.UpdatedAt);
    }
}
