using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Components.Pages.ModelRegistry;

/// <summary>The model page's mutable copy of a definition (MudBlazor inputs bind to settable properties), and its mapping both ways.</summary>
public sealed class ModelForm
{
    public string Slug { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Description { get; set; } = "";
    public IReadOnlyCollection<string> Owners { get; set; } = [];
    public string Team { get; set; } = "";
    public string UseCase { get; set; } = "";
    public RiskTier RiskTier { get; set; } = RiskTier.Medium;
    public ModelTask Task { get; set; } = ModelTask.BinaryClassification;
    public IReadOnlyCollection<string> KeyColumns { get; set; } = [];
    public string? LabelColumn { get; set; }
    public string? PositiveLabel { get; set; }
    public double DecisionThreshold { get; set; } = 0.5;
    public string PrimaryMetric { get; set; } = Metrics.Auc;
    public IReadOnlyCollection<string> FeatureColumns { get; set; } = [];
    public IReadOnlyCollection<string> SensitiveAttributes { get; set; } = [];
    public string KnownLimitations { get; set; } = "";
    public double DriftedShare { get; set; } = 0.5;
    public int MinCurrentRows { get; set; } = 100;
    public List<CriterionRow> Criteria { get; set; } = [];
    public List<OverrideRow> Overrides { get; set; } = [];
    public List<ContractColumn> Contract { get; set; } = [];

    public sealed class CriterionRow
    {
        public string Metric { get; set; } = Metrics.Auc;
        public string Comparator { get; set; } = ">=";
        public double Threshold { get; set; }
        public string OwningRole { get; set; } = Roles.BusinessStakeholder;
    }

    public sealed class OverrideRow
    {
        public string Column { get; set; } = "";
        public string Test { get; set; } = "psi";
        public double Threshold { get; set; } = 0.1;
    }

    public static ModelForm From(Model m) => new()
    {
        Slug = m.Slug, DisplayName = m.DisplayName, Description = m.Description, Owners = [.. m.Owners], Team = m.Team, UseCase = m.UseCase,
        RiskTier = m.RiskTier, Task = m.Task, KeyColumns = [.. m.KeyColumns], LabelColumn = m.LabelColumn, PositiveLabel = m.PositiveLabel,
        DecisionThreshold = m.DecisionThreshold, PrimaryMetric = m.PrimaryMetric, FeatureColumns = [.. m.FeatureColumns],
        SensitiveAttributes = [.. m.SensitiveAttributes], KnownLimitations = m.KnownLimitations,
        DriftedShare = m.DriftPolicy.DriftedShareThreshold, MinCurrentRows = m.DriftPolicy.MinCurrentRows,
        Criteria = m.AcceptanceCriteria.Select(c => new CriterionRow { Metric = c.Metric, Comparator = c.Comparator, Threshold = c.Threshold, OwningRole = c.OwningRole }).ToList(),
        Overrides = m.DriftPolicy.Overrides.Select(o => new OverrideRow { Column = o.Column, Test = o.Test, Threshold = o.Threshold }).ToList(),
        Contract = [.. m.DataContract],
    };

    /// <summary>A new criterion row with the usual direction for the task (higher is better for classifiers' metrics).</summary>
    public CriterionRow NewCriterion() => new()
    {
        Metric = PrimaryMetric, Comparator = Task == ModelTask.Regression ? "<=" : ">=", Threshold = Task == ModelTask.Regression ? 0 : 0.7,
    };

    public List<AcceptanceCriterion> AcceptanceCriteria() =>
        Criteria.Select(c => new AcceptanceCriterion(c.Metric, c.Comparator, c.Threshold, c.OwningRole)).ToList();

    /// <summary>The definition to save; <paramref name="criteria"/> replaces the form's (the model page saves criteria on their own).</summary>
    public ModelDefinition ToDefinition(IReadOnlyList<AcceptanceCriterion>? criteria = null) => new()
    {
        Slug = Slug.Trim(), DisplayName = DisplayName, Description = Description, Owners = [.. Owners], Team = Team,
        UseCase = UseCase, RiskTier = RiskTier.ToString(), Task = ModelService.TaskName(Task), KeyColumns = [.. KeyColumns],
        LabelColumn = LabelColumn ?? "", PositiveLabel = PositiveLabel, DecisionThreshold = DecisionThreshold,
        PrimaryMetric = Metrics.For(Task).Contains(PrimaryMetric) ? PrimaryMetric : Metrics.DefaultPrimary(Task),
        FeatureColumns = [.. FeatureColumns], SensitiveAttributes = [.. SensitiveAttributes], KnownLimitations = KnownLimitations,
        AcceptanceCriteria = criteria?.ToList() ?? AcceptanceCriteria(),
        DriftPolicy = new DriftPolicy
        {
            DriftedShareThreshold = DriftedShare, MinCurrentRows = MinCurrentRows,
            Overrides = Overrides.Select(o => new ColumnDriftOverride(o.Column, o.Test, o.Threshold)).ToList(),
        },
        DataContract = Contract,
    };
}
