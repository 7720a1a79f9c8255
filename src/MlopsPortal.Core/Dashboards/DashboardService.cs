using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Dashboards;

/// <summary>A figure and where its evidence is; <see cref="Value"/> is null when nothing was measured (see the note).</summary>
public sealed record Figure(double? Value, string Link, string Note, int Count = 0);

/// <summary>One point of a trend; <see cref="Link"/> opens the evidence behind it.</summary>
public sealed record TrendPoint(string Label, double? Value, string? Link = null, double? Second = null)
{
    /// <summary>When the point was measured, for charts on a time axis (null for per-day or per-week buckets).</summary>
    public DateTime? At { get; init; }
}

/// <summary>How many models of a risk tier stand at a stage (the stage of their most advanced version).</summary>
public sealed record TierStageCell(RiskTier Tier, string Stage, IReadOnlyList<string> Models);

public sealed record ModelFidelity(
    string Slug, string DisplayName, RiskTier Tier, int? Champion, Figure DriftedShare, IReadOnlyList<TrendPoint> DriftTrend,
    Figure BandShare, IReadOnlyList<TrendPoint> BatchTrend, string PrimaryMetric, double? LivePrimary, double? TrainingPrimary, int OpenAlerts);

/// <summary>A business KPI: one acceptance criterion of a model, on the champion's latest evaluation and live.</summary>
public sealed record KpiRow(
    string Slug, int? Champion, string Metric, string Comparator, double Threshold, string OwningRole,
    double? Evaluated, Guid? EvaluationId, double? Live, bool? Met);

public sealed record Portfolio(
    int Models, IReadOnlyList<TierStageCell> TierStage,
    Figure JobSuccessRate, IReadOnlyList<TrendPoint> JobTrend,
    Figure DeploymentFrequency, IReadOnlyList<TrendPoint> DeploymentTrend,
    Figure MeanTimeToRollBackSeconds, Figure MeanTimeToDetectSeconds,
    IReadOnlyList<ModelFidelity> Fidelity, IReadOnlyList<KpiRow> Kpis, Figure RetrainingLeadTimeSeconds);

/// <summary>Why a model with a Production version is out of policy, with the evidence.</summary>
public sealed record PolicyFinding(string Slug, int Version, string Finding, string Link);

/// <summary>
/// The numbers of the portfolio dashboard and the role home pages, computed from the records the portal already holds
/// (jobs, stage changes, drift reports, live snapshots, evaluations): nothing is stored twice, every figure has a link.
/// </summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory, MonitoringService monitoring, DriftService drift)
{
    public const int WindowDays = 30;
    public const int TrendDays = 14;
    public const int DeploymentWeeks = 12;
    public static readonly IReadOnlyList<string> StageColumns = ["Production", "Staging", "Candidate", "No version"];

    public async Task<Portfolio> PortfolioAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var since = now.AddDays(-WindowDays);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Slug).ToListAsync(ct);
        var versions = await db.ModelVersions.AsNoTracking()
            .Select(v => new { v.Id, v.ModelId, v.Number, v.Stage, v.TrainingRunId }).ToListAsync(ct);

        var tierStage = new List<TierStageCell>();
        foreach (var tier in Enum.GetValues<RiskTier>())
            foreach (var stage in StageColumns)
                tierStage.Add(new TierStageCell(tier, stage, models.Where(m => m.RiskTier == tier && StageOf(m.Id) == stage).Select(m => m.Slug).ToList()));
        string StageOf(Guid modelId)
        {
            var own = versions.Where(v => v.ModelId == modelId).ToList();
            return own.Count == 0 ? "No version"
                : own.Any(v => v.Stage == VersionStage.Production) ? "Production"
                : own.Any(v => v.Stage == VersionStage.Staging) ? "Staging" : "Candidate";
        }

        // Operational health: job outcomes (30 days, and per day for the trend), Production changes, rollbacks.
        var finished = await db.JobRuns.AsNoTracking().Where(r => r.FinishedAt >= now.AddDays(-Math.Max(WindowDays, TrendDays)))
            .Select(r => new { r.Status, r.FinishedAt }).ToListAsync(ct);
        var judged = finished.Where(r => r.FinishedAt >= since && r.Status is JobRunStatus.Succeeded or JobRunStatus.Failed).ToList();
        var jobRate = new Figure(judged.Count == 0 ? null : (double)judged.Count(r => r.Status == JobRunStatus.Succeeded) / judged.Count,
            "/jobs?status=Failed", judged.Count == 0 ? "No job finished in the last 30 days." : "Succeeded ÷ succeeded or failed, last 30 days (cancelled runs not counted).", judged.Count);
        var jobTrend = Enumerable.Range(0, TrendDays).Select(i => now.Date.AddDays(i - TrendDays + 1)).Select(day =>
        {
            var that = finished.Where(r => r.FinishedAt!.Value.Date == day).ToList();
            return new TrendPoint(day.ToString("MM-dd"), that.Count(r => r.Status == JobRunStatus.Succeeded), "/jobs", that.Count(r => r.Status == JobRunStatus.Failed));
        }).ToList();

        var toProduction = await db.StageChanges.AsNoTracking().Where(h => h.To == VersionStage.Production && h.ChangedAt >= now.AddDays(-7 * DeploymentWeeks))
            .Select(h => new { h.ChangedAt, h.ModelId, h.ModelVersionId }).ToListAsync(ct);
        var deployments = toProduction.Count(h => h.ChangedAt >= since);
        var deploymentFrequency = new Figure(deployments, "/audit", "Versions moved to Production in the last 30 days, rollbacks included.", deployments);
        var deploymentTrend = Enumerable.Range(0, DeploymentWeeks).Select(i => now.Date.AddDays(7 * (i - DeploymentWeeks + 1) - 6)).Select(start =>
            new TrendPoint(start.ToString("MM-dd"), toProduction.Count(h => h.ChangedAt >= start && h.ChangedAt < start.AddDays(7)), "/audit")).ToList();

        var rollbacks = await db.AutomaticRollbacks.AsNoTracking().CountAsync(r => r.CompletedAt >= since && r.ToVersionId != null, ct);
        var mttr = await monitoring.MeanTimeToRollBackAsync(ct);
        var rollbackLink = await db.AutomaticRollbacks.AsNoTracking().OrderByDescending(r => r.CompletedAt).Select(r => (Guid?)r.IncidentAlertId).FirstOrDefaultAsync(ct) is { } incident
            ? $"/alerts/{incident}" : "/alerts";
        var meanTimeToRollBack = new Figure(mttr?.TotalSeconds, rollbackLink,
            rollbacks == 0 ? "No automatic rollback in the last 30 days." : "From the breaching outcome upload to the stage change, last 30 days.", rollbacks);
        var mttd = await drift.MeanTimeToDetectAsync(ct);
        var meanTimeToDetect = new Figure(mttd?.TotalSeconds, "/alerts", mttd is null ? "No drift alert in the last 30 days." : "From the data's arrival to the alert, last 30 days.");

        // Fidelity per model: drift reports, live snapshots.
        var fidelity = new List<ModelFidelity>();
        var kpis = new List<KpiRow>();
        var openAlerts = await db.DriftAlerts.AsNoTracking().Where(a => a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)
            .GroupBy(a => a.ModelId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        foreach (var model in models)
        {
            var champion = versions.FirstOrDefault(v => v.ModelId == model.Id && v.Stage == VersionStage.Production);
            var reports = await db.DriftReports.AsNoTracking().Where(r => r.ModelId == model.Id).OrderByDescending(r => r.CreatedAt).Take(12)
                .Select(r => new { r.Id, r.DriftedShare, r.CreatedAt, r.CurrentDatasetVersionId }).ToListAsync(ct);
            reports.Reverse();
            var dataNumbers = await db.DatasetVersions.AsNoTracking().Where(v => reports.Select(r => r.CurrentDatasetVersionId).Contains(v.Id))
                .ToDictionaryAsync(v => v.Id, v => v.Version, ct);
            var latestReport = reports.LastOrDefault();
            var snapshot = await db.LivePerformanceSnapshots.AsNoTracking().Where(s => s.ModelId == model.Id)
                .OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);
            var live = $"/models/{model.Slug}/live";
            fidelity.Add(new ModelFidelity(model.Slug, model.DisplayName, model.RiskTier, champion?.Number,
                new Figure(latestReport?.DriftedShare, latestReport is null ? $"/models/{model.Slug}" : $"/drift-reports/{latestReport.Id}",
                    latestReport is null ? "No drift report yet." : "Share of judged columns that drifted in the newest report.", reports.Count),
                reports.Select(r => new TrendPoint(dataNumbers.TryGetValue(r.CurrentDatasetVersionId, out var n) ? $"data v{n}" : r.CreatedAt.ToString("MM-dd HH:mm"),
                    r.DriftedShare, $"/drift-reports/{r.Id}") { At = r.CreatedAt }).ToList(),
                new Figure(snapshot?.BandShare, live, model.ConfidenceBand is null ? "No approved confidence band."
                    : snapshot is null ? "Nothing measured live yet." : $"Share of all scores inside the approved band {model.ConfidenceBand}.", (int)(snapshot?.ScoredRows ?? 0)),
                (snapshot?.Batches ?? []).Select((b, i) => new TrendPoint($"batch {i + 1}", b.BandShare, $"/jobs/{b.ScoringJobId}", b.PrimaryMetric) { At = b.ScoredAt }).ToList(),
                model.PrimaryMetric, snapshot?.Metrics.GetValueOrDefault(model.PrimaryMetric), snapshot?.TrainingMetrics.GetValueOrDefault(model.PrimaryMetric),
                openAlerts.GetValueOrDefault(model.Id)));

            // Business impact: each acceptance criterion on the champion (or the newest version when none is in Production).
            var subject = champion ?? versions.Where(v => v.ModelId == model.Id).MaxBy(v => v.Number);
            var evaluation = subject is null ? null : await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == subject.Id)
                .OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
            foreach (var c in model.AcceptanceCriteria)
            {
                var evaluated = evaluation?.Criteria.FirstOrDefault(r => r.Metric == c.Metric && r.Comparator == c.Comparator)?.Value;
                var liveValue = snapshot is not null && snapshot.ModelVersionId == champion?.Id ? snapshot.Metrics.GetValueOrDefault(c.Metric) : null;
                var judgedValue = liveValue ?? evaluated;
                kpis.Add(new KpiRow(model.Slug, subject?.Number, c.Metric, c.Comparator, c.Threshold, c.OwningRole, evaluated, evaluation?.Id, liveValue,
                    judgedValue is { } v ? c.IsMetBy(v) : null));
            }
        }

        // Retraining lead time: from the drift alert that triggered a retraining to its version's arrival in Production.
        var leads = new List<double>();
        string leadLink = "/alerts";
        foreach (var h in toProduction.Where(h => h.ChangedAt >= since))
        {
            var runId = versions.FirstOrDefault(v => v.Id == h.ModelVersionId)?.TrainingRunId;
            var run = runId is null ? null : await db.JobRuns.AsNoTracking().Where(r => r.Id == runId && r.TriggeredBy.StartsWith("drift-alert:"))
                .Select(r => r.TriggeredBy).FirstOrDefaultAsync(ct);
            if (run is null || !Guid.TryParse(run["drift-alert:".Length..].Split(' ')[0], out var alertId)) continue;
            if (await db.DriftAlerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => (DateTime?)a.RaisedAt).FirstOrDefaultAsync(ct) is { } raised)
            {
                leads.Add((h.ChangedAt - raised).TotalSeconds);
                leadLink = $"/model-versions/{h.ModelVersionId}";
            }
        }
        var leadTime = new Figure(leads.Count == 0 ? null : leads.Average(), leadLink,
            leads.Count == 0 ? "No retrained version reached Production in the last 30 days." : "From the drift alert to the retrained version's stage change, last 30 days.", leads.Count);

        return new Portfolio(models.Count, tierStage, jobRate, jobTrend, deploymentFrequency, deploymentTrend, meanTimeToRollBack,
            meanTimeToDetect, fidelity, kpis, leadTime);
    }

    /// <summary>
    /// Models whose Production version breaks a policy now: an acceptance criterion unmet on its latest evaluation, a
    /// failing (or missing) fairness audit, an open High or Critical alert, a live breach of a signed rule.
    /// </summary>
    public async Task<IReadOnlyList<PolicyFinding>> OutOfPolicyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var findings = new List<PolicyFinding>();
        var champions = await db.ModelVersions.AsNoTracking().Where(v => v.Stage == VersionStage.Production).ToListAsync(ct);
        foreach (var v in champions)
        {
            var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == v.ModelId, ct);
            var evaluation = await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == v.Id).OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
            if (evaluation is null && model.AcceptanceCriteria.Count > 0)
                findings.Add(new(model.Slug, v.Number, "No evaluation against the acceptance criteria.", $"/model-versions/{v.Id}"));
            foreach (var c in evaluation?.Criteria.Where(c => !c.Passed) ?? [])
                findings.Add(new(model.Slug, v.Number, $"Criterion {c.Metric} {c.Comparator} {c.Threshold:0.###} unmet ({c.Value?.ToString("0.###") ?? "no value"}).", $"/evaluations/{evaluation!.Id}"));
            if (model.SensitiveAttributes.Count > 0)
            {
                var audit = await db.FairnessAudits.AsNoTracking().Where(a => a.ModelVersionId == v.Id).OrderByDescending(a => a.CreatedAt)
                    .Select(a => new { a.Id, a.Verdict }).FirstOrDefaultAsync(ct);
                if (audit is null)
                    findings.Add(new(model.Slug, v.Number, "No fairness audit of the Production version.", $"/model-versions/{v.Id}"));
                else if (audit.Verdict == "fail")
                    findings.Add(new(model.Slug, v.Number, "The latest fairness audit fails the policy.", $"/fairness-audits/{audit.Id}"));
            }
            foreach (var a in await db.DriftAlerts.AsNoTracking().Where(a => a.ModelVersionId == v.Id && a.Severity >= AlertSeverity.High
                         && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)).ToListAsync(ct))
                findings.Add(new(model.Slug, v.Number, $"{a.Severity} alert open: {a.Summary}", $"/alerts/{a.Id}"));
            var snapshot = await db.LivePerformanceSnapshots.AsNoTracking().Where(s => s.ModelVersionId == v.Id).OrderByDescending(s => s.CreatedAt).FirstOrDefaultAsync(ct);
            foreach (var breach in snapshot?.Breaches ?? [])
                findings.Add(new(model.Slug, v.Number, breach, $"/models/{model.Slug}/live"));
        }
        return findings;
    }
}
