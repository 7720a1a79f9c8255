using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Core.Scheduling;

/// <summary>What a missed firing (no node was up when the trigger was due) turns into.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once as soon as a node is up, however many firings were missed; the run is marked late.</summary>
    RunOnceNow,
    /// <summary>Skip the missed firings (each shows as "missed" in history) and wait for the next one.</summary>
    Skip,
}

/// <summary>A kind of job: its Quartz job type, its misfire policy and whether a dead node's run restarts.</summary>
public sealed record JobKind(
    string Name,
    string DisplayName,
    Type JobType,
    MisfirePolicy Misfire,
    bool Recoverable,
    bool Schedulable,
    string Description)
{
    /// <summary>The Quartz job group of this kind's jobs.</summary>
    public string Group => Name;
}

/// <summary>Every job kind the portal runs. docs/operations.md lists the same table.</summary>
public static class JobKinds
{
    public const string Training = "training";
    public const string Evaluation = "evaluation";
    public const string FairnessAudit = "fairness-audit";
    public const string DriftReport = "drift-report";
    public const string BatchScoring = "batch-scoring";
    public const string ReportGeneration = "report-generation";
    public const string LivePerformance = "live-performance";
    public const string ReproduceTraining = "reproduce-training";
    public const string ApprovalExpiry = "approval-expiry";
    public const string Retention = "retention";
    public const string Diagnostic = "diagnostic";

    public static readonly IReadOnlyList<JobKind> All =
    [
        new(Training, "Training run", typeof(TrainModelJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: true,
            "Trains a model version on a dataset version (retraining schedules fire this)."),
        new(Evaluation, "Evaluation", typeof(EvaluateModelJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: false,
            "Evaluates a model version against its acceptance criteria and the champion."),
        new(FairnessAudit, "Fairness audit", typeof(AuditFairnessJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: false,
            "Computes group and intersectional fairness metrics for a model version."),
        new(DriftReport, "Drift report", typeof(Drift.ReportDriftJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: true,
            "Compares the latest scored data with the training data, per feature."),
        new(BatchScoring, "Batch scoring", typeof(ScoreBatchJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: false,
            "Scores a dataset version with a model version, on the CPU or a GPU node."),
        new(ReportGeneration, "Report generation", typeof(Reports.GenerateReportJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: true,
            "Writes a signed PDF compliance report."),
        new(LivePerformance, "Live performance", typeof(Monitoring.MeasureLivePerformanceJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: true,
            "Measures the Production version on scored rows whose outcomes arrived; applies the signed rollback rules."),
        new(ReproduceTraining, "Reproduce training", typeof(Monitoring.ReproduceTrainingJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: false,
            "Trains a version again from its recorded inputs and compares the package hash."),
        new(ApprovalExpiry, "Approval expiry", typeof(ExpireApprovalRequestsJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: true,
            "Marks open approval requests past their expiry as expired."),
        new(Retention, "Retention", typeof(ApplyRetentionJob), MisfirePolicy.Skip, Recoverable: true, Schedulable: true,
            "Deletes finished job history and gone worker nodes older than the retention settings; sweeps leftovers from the artifact store."),
        new(Diagnostic, "Cluster check", typeof(RunDiagnosticJob), MisfirePolicy.RunOnceNow, Recoverable: true, Schedulable: false,
            "Runs for a set time with progress and writes a small file: shows that nodes take, run, report and recover jobs."),
    ];

    public static JobKind Get(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new Security.PortalValidationException($"Unknown job kind '{name}'. Kinds: {string.Join(", ", All.Select(k => k.Name))}.");

    public static JobKind? ForType(Type jobType) => All.FirstOrDefault(k => k.JobType == jobType);
}
