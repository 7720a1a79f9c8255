using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// The automated checks a promotion passes before anyone signs: each reads the evidence the portal already
/// holds (the latest evaluation, the latest fairness audit, the champion, drift alerts, the data contract) and
/// says what it found. A missing piece of evidence fails its gate: nothing is promoted on an assumption.
/// </summary>
public static class PromotionGates
{
    public const string AcceptanceCriteria = "acceptance-criteria";
    public const string Fairness = "fairness";
    public const string Champion = "champion";
    public const string Drift = "drift";
    public const string DataContract = "data-contract";

    public static readonly IReadOnlyList<string> All = [AcceptanceCriteria, Fairness, Champion, Drift, DataContract];

    public static string Display(string gate) => gate switch
    {
        AcceptanceCriteria => "Acceptance criteria",
        Fairness => "Fairness verdict",
        Champion => "Not worse than the champion",
        Drift => "No open critical drift alert",
        DataContract => "Data contract",
        _ => gate,
    };

    public static async Task<List<GateResult>> RunAsync(PortalDbContext db, Model model, ModelVersion version, ApprovalPolicy policy, CancellationToken ct)
    {
        var results = new List<GateResult>();
        var evaluation = await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == version.Id)
            .OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
        foreach (var gate in All.Where(policy.Gates.Contains))
        {
            results.Add(gate switch
            {
                AcceptanceCriteria => CheckCriteria(model, version, evaluation),
                Fairness => await CheckFairnessAsync(db, model, version, ct),
                Champion => await CheckChampionAsync(db, model, version, evaluation, policy.ChampionTolerance, ct),
                Drift => await CheckDriftAsync(db, version, ct),
                _ => await CheckContractAsync(db, model, version, evaluation, ct),
            });
        }
        return results;
    }

    private static string F(double? v) => v is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "—";

    private static GateResult CheckCriteria(Model model, ModelVersion version, ModelEvaluation? evaluation)
    {
        if (evaluation is null || TrainingJson.ReadResult(evaluation.Result) is not { } result)
            return new(AcceptanceCriteria, false, $"Version {version.Number} has no evaluation: evaluate it on a holdout first.");
        if (model.AcceptanceCriteria.Count == 0)
            return new(AcceptanceCriteria, true, "The model has no acceptance criteria to check.", EntityKinds.Evaluation, evaluation.Id.ToString());
        // The model's criteria as they stand now, against the latest evaluation's metrics.
        var criteria = TrainingJson.Criteria(model, result);
        var failed = criteria.Count(c => !c.Passed);
        var details = criteria.Select(c => $"{c.Metric} {F(c.Value)} {c.Comparator} {F(c.Threshold)}: {(c.Passed ? "met" : "not met")}").ToList();
        return new(AcceptanceCriteria, failed == 0,
            failed == 0 ? $"All {criteria.Count} criteria met on the latest evaluation ({evaluation.Rows:N0} rows)."
                        : $"{failed} of {criteria.Count} criteria not met on the latest evaluation.",
            EntityKinds.Evaluation, evaluation.Id.ToString(), details);
    }

    private static async Task<GateResult> CheckFairnessAsync(PortalDbContext db, Model model, ModelVersion version, CancellationToken ct)
    {
        if (model.SensitiveAttributes.Count == 0)
            return new(Fairness, true, "The model lists no sensitive attributes to audit.") { Warning = true };
        var audit = await db.FairnessAudits.AsNoTracking().Where(a => a.ModelVersionId == version.Id)
            .OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (audit is null)
            return new(Fairness, false, $"Version {version.Number} has no fairness audit: run one first.");
        var passed = audit.Verdict is "pass" or "warn";
        var summary = audit.Verdict switch
        {
            "pass" => "The latest fairness audit passed.",
            "warn" => "The latest fairness audit passed with warnings: read them before signing.",
            _ => $"The latest fairness audit's verdict is \"{audit.Verdict ?? "none"}\".",
        };
        return new(Fairness, passed, summary, EntityKinds.FairnessAudit, audit.Id.ToString(),
            [$"Attributes: {string.Join(", ", audit.Sensitive)}", $"Audited {audit.CreatedAt:yyyy-MM-dd HH:mm} UTC by {audit.RequestedBy}"]) { Warning = audit.Verdict == "warn" };
    }

    private static async Task<GateResult> CheckChampionAsync(PortalDbContext db, Model model, ModelVersion version, ModelEvaluation? evaluation, double tolerance, CancellationToken ct)
    {
        var champion = await db.ModelVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production && v.Id != version.Id, ct);
        if (champion is null)
            return new(Champion, true, "No version is in Production: there is no champion to compare with.");
        if (evaluation is null)
            return new(Champion, false, $"Version {version.Number} has no evaluation to compare with the champion (version {champion.Number}).");
        if (evaluation.ChampionVersionId != champion.Id || TrainingJson.ReadResult(evaluation.ChampionResult) is not { } championResult
            || TrainingJson.ReadResult(evaluation.Result) is not { } result)
            return new(Champion, false, $"The latest evaluation did not include the current champion (version {champion.Number}): evaluate again.",
                EntityKinds.Evaluation, evaluation.Id.ToString());
        var metric = model.PrimaryMetric;
        var challengerValue = TrainingJson.Value(result, metric);
        var championValue = TrainingJson.Value(championResult, metric);
        if (challengerValue is not { } c || championValue is not { } p)
            return new(Champion, false, $"The evaluation has no {metric} for both versions.", EntityKinds.Evaluation, evaluation.Id.ToString());
        // Positive when the challenger is worse, in the metric's own direction.
        var worseBy = Metrics.HigherIsBetter(metric) ? p - c : c - p;
        var passed = worseBy <= tolerance + 1e-12;
        return new(Champion, passed,
            passed ? $"{metric} {F(c)} against the champion's {F(p)} (version {champion.Number}): within the tolerance of {F(tolerance)}."
                   : $"{metric} {F(c)} is worse than the champion's {F(p)} (version {champion.Number}) by {F(worseBy)}, more than the tolerance of {F(tolerance)}.",
            EntityKinds.Evaluation, evaluation.Id.ToString(), [$"Both evaluated on the same {evaluation.Rows:N0} rows."]);
    }

    private static async Task<GateResult> CheckDriftAsync(PortalDbContext db, ModelVersion version, CancellationToken ct)
    {
        var critical = await db.DriftAlerts.AsNoTracking()
            .Where(a => a.ModelVersionId == version.Id && a.Severity == Core.Drift.AlertSeverity.Critical
                        && (a.Status == Core.Drift.AlertStatus.Open || a.Status == Core.Drift.AlertStatus.Acknowledged))
            .OrderByDescending(a => a.RaisedAt).FirstOrDefaultAsync(ct);
        return critical is null
            ? new(Drift, true, $"No open critical drift alert on version {version.Number}.")
            : new(Drift, false, $"A critical drift alert is open on version {version.Number}: {critical.Summary}.", "drift-alert", critical.Id.ToString());
    }

    private static async Task<GateResult> CheckContractAsync(PortalDbContext db, Model model, ModelVersion version, ModelEvaluation? evaluation, CancellationToken ct)
    {
        if (model.DataContract.Count == 0)
            return new(DataContract, true, model.RiskTier >= RiskTier.High
                ? $"The model declares no data contract: nothing checks its inputs, although it is {model.RiskTier.ToString().ToLowerInvariant()} risk."
                : "The model declares no data contract.") { Warning = true };
        var datasetVersionId = version.TrainingDatasetVersionId ?? evaluation?.DatasetVersionId;
        if (datasetVersionId is not { } id)
            return new(DataContract, false, $"Version {version.Number} records no training or evaluation data to check the contract against.");
        var schema = await TrainingService.SchemaAsync(db, id, ct);
        var violations = DataContractCheck.Check(model.DataContract, schema);
        var which = version.TrainingDatasetVersionId is not null ? "training data" : "evaluation data";
        return new(DataContract, violations.Count == 0,
            violations.Count == 0 ? $"The {which} satisfies the model's data contract ({model.DataContract.Count} columns)."
                                  : $"The {which} breaks the data contract in {violations.Count} place(s).",
            EntityKinds.DatasetVersion, id.ToString(), [.. violations.Select(v => v.Message)]);
    }
}
