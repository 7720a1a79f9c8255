namespace MlopsPortal.Core.Lineage;

/// <summary>How each kind looks: the badge letters and colour that the web graph and the report's picture share.</summary>
public static class LineageStyle
{
    public sealed record KindLook(string Badge, string Color, string Label);

    private static readonly Dictionary<string, KindLook> Looks = new()
    {
        [EntityKinds.Model] = new("M", "#37474f", "Model"),
        [EntityKinds.Dataset] = new("D", "#00695c", "Dataset"),
        [EntityKinds.DatasetVersion] = new("DV", "#00897b", "Dataset version"),
        [EntityKinds.TrainingRun] = new("TR", "#5e35b1", "Training run"),
        [EntityKinds.ModelVersion] = new("MV", "#1565c0", "Model version"),
        [EntityKinds.Evaluation] = new("EV", "#0277bd", "Evaluation"),
        [EntityKinds.FairnessAudit] = new("FA", "#6a1b9a", "Fairness audit"),
        [EntityKinds.ApprovalRequest] = new("AR", "#ef6c00", "Approval request"),
        [EntityKinds.StageChange] = new("SC", "#ad1457", "Stage change"),
        [EntityKinds.ScoringJob] = new("SJ", "#2e7d32", "Scoring job"),
        [EntityKinds.DriftReport] = new("DR", "#9e9d24", "Drift report"),
        [EntityKinds.DriftAlert] = new("DA", "#c62828", "Drift alert"),
        [EntityKinds.Report] = new("RP", "#4e342e", "Compliance report"),
    };

    public static KindLook Of(string kind) => Looks.GetValueOrDefault(kind) ?? new("?", "#616161", kind);

    /// <summary>Cuts text to <paramref name="max"/> characters with an ellipsis (node boxes have a fixed width).</summary>
    public static string Fit(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";
}
