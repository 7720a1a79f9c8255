using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Fairness;

namespace MlopsPortal.Core.Monitoring;

public sealed record LivePerformancePayload(string Model) : JobPayload;

/// <summary>
/// Measures a model's Production version on its scored rows whose outcomes arrived (<see cref="LivePerformance"/>), stores
/// the point, raises alerts in the drift triage queue when a live metric breaks an acceptance criterion or the live fairness
/// verdict fails, and applies the signed rollback rules: a firing rule rolls back to the previous approved version in the
/// same transaction, once per breach, never to a version that was itself rolled back for a breach.
/// </summary>
public sealed class MeasureLivePerformanceJob(JobServices services, IArtifactStore store, StageChanges.StageChangeService stages) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "live-performance";

    /// <summary>Fewer labelled rows than this and acceptance criteria are not judged live (the rules name their own minimum).</summary>
    public const int MinCriteriaRows = 100;
    public const string ScheduleCron = "0 0 * * * ?";
    public const string PerformanceCause = "live-performance";
    public const string FairnessCause = "live-fairness";
    public const string RollbackCause = "automatic-rollback";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var slug = context.Payload<LivePerformancePayload>().Model;
        Model model;
        ModelVersion? version;
        List<LiveBatch> batches;
        List<Func<Stream>> outcomeFiles;
        DateTime? arrivedAt;
        LiveSettings settings;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct)
                    ?? throw new PortalNotFoundException($"The model '{slug}' no longer exists.");
            version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct);
            if (version is null)
                return new JobOutcome($"{slug} has no Production version: nothing to measure.");
            var uploads = await db.OutcomeUploads.AsNoTracking().Where(o => o.ModelId == model.Id).OrderBy(o => o.UploadedAt)
                .Join(db.DatasetVersions, o => o.DatasetVersionId, v => v.Id, (o, v) => new { v.Sha256, o.UploadedAt }).ToListAsync(ct);
            outcomeFiles = uploads.Select(u => (Func<Stream>)(() => store.OpenRead(u.Sha256))).ToList();
            arrivedAt = uploads.Count == 0 ? null : uploads[^1].UploadedAt;
            var outputs = await OutcomeService.ScoringOutputsAsync(db, model.Id, version.Id, ct);
            var inputIds = outputs.Select(o => JobPayload.Read<ScoringPayload>(o.Job.Payload, o.Job.PayloadVersion).DatasetVersionId).ToList();
            var inputs = await db.DatasetVersions.AsNoTracking().Where(v => inputIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
            // Sensitive columns every input holds (an input without one is measured for performance all the same).
            var sensitive = new List<string>();
            foreach (var column in model.SensitiveAttributes)
            {
                var everywhere = true;
                foreach (var id in inputIds.Distinct())
                    everywhere &= (await TrainingService.SchemaAsync(db, id, ct)).Any(c => c.Name == column);
                if (everywhere) sensitive.Add(column);
            }
            batches = outputs.Select((o, i) => new LiveBatch(o.Job.Id, o.Job.FinishedAt ?? o.Output.AddedAt, () => store.OpenRead(o.Output.Sha256),
                inputs.TryGetValue(inputIds[i], out var input) ? () => store.OpenRead(input.Sha256) : null)).ToList();
            var policy = await FairnessService.PolicyAsync(db, model.RiskTier, ct);
            settings = new LiveSettings(model.DecisionThreshold, model.ConfidenceBand, sensitive, model.PrimaryMetric, new FairnessOptions
            {
                MinGroupSize = policy.MinGroupSize,
                Thresholds = new FairnessThresholds(policy.DisparateImpactFail, policy.DisparateImpactWarn, policy.DifferenceFail, policy.DifferenceWarn),
            });
        }
        context.Progress.Report(0.1, $"reading {outcomeFiles.Count} outcome upload(s) and {batches.Count} scoring batch(es)");
        var result = await Task.Run(() =>
        {
            var outcomes = LivePerformance.LoadOutcomes(outcomeFiles, OutcomeService.Format(model));
            return LivePerformance.Compute(batches, outcomes, OutcomeService.Format(model), settings, ct);
        }, ct);
        var training = TrainingMetrics(version.ValidationMetrics);
        var breaches = CriteriaBreaches(model, result);
        var fired = FiredRules(model, result);
        var snapshot = new LivePerformanceSnapshot
        {
            Id = Guid.NewGuid(), ModelId = model.Id, ModelVersionId = version.Id, VersionNumber = version.Number, ScoredRows = result.ScoredRows,
            LabelledRows = result.LabelledRows, BandLow = model.ConfidenceBand?.Low, BandHigh = model.ConfidenceBand?.High, BandShare = result.BandShare,
            Metrics = result.Metrics, TrainingMetrics = training, Batches = result.Batches, Fairness = result.Fairness, FairnessVerdict = result.FairnessVerdict,
            Breaches = [.. breaches.Select(b => b.Summary), .. fired.Select(f => $"Rollback rule: {f.Rule.Describe()} (live {f.Value:0.###})")],
            OutcomesArrivedAt = arrivedAt, JobRunId = context.Run.Id, CreatedAt = AuditChain.Now(),
        };
        var summary = $"{model.Slug} v{version.Number}: {result.LabelledRows:N0} of {result.ScoredRows:N0} scored rows labelled"
                      + (result.Metrics.GetValueOrDefault(model.PrimaryMetric) is { } p ? $", live {model.PrimaryMetric} {p:0.###}" : "")
                      + (result.BandShare is { } share ? $", {share:P1} inside the band" : "") + ".";
        var outcome = new JobOutcome(summary, "live-performance", snapshot.Id.ToString())
        {
            Persist = async (db, token) =>
            {
                var actor = Actor.Job(context.Run.JobKey).AuditName;
                await ModelRowLock.TakeAsync(db, model.Id, token);
                db.LivePerformanceSnapshots.Add(snapshot);
                db.Audit(actor, "live-performance.measured", EntityKinds.ModelVersion, version.Id.ToString(), new
                {
                    model = model.Slug, version = version.Number, snapshot = snapshot.Id.ToString(), scored = result.ScoredRows, labelled = result.LabelledRows,
                    metrics = result.Metrics, bandShare = result.BandShare, fairnessVerdict = result.FairnessVerdict, breaches = snapshot.Breaches,
                });
                var at = snapshot.CreatedAt;
                var arrived = arrivedAt ?? at;
                foreach (var (cause, severity, text) in breaches)
                    await DriftService.RaiseOrAttachAsync(db, actor, model, version, new DriftService.AlertEvidence(cause, severity, text, snapshot.Id, arrived, at,
                        EntityKinds.ModelVersion, version.Id.ToString()), token);
                if (fired.Count > 0)
                    context.Progress.Log(await RollBackAsync(db, actor, model, version, snapshot, fired, arrived, token));
            },
        };
        return outcome;
    }

    /// <summary>The version's validation metrics, by the registry's metric names.</summary>
    public static Dictionary<string, double?> TrainingMetrics(string? json)
    {
        var metrics = new Dictionary<string, double?>();
        if (string.IsNullOrEmpty(json)) return metrics;
        using var doc = JsonDocument.Parse(json);
        foreach (var name in ModelRegistry.Metrics.Classification.Concat(ModelRegistry.Metrics.Regression))
            if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
                metrics[name] = v.GetDouble();
        return metrics;
    }

    private static List<(string Cause, AlertSeverity Severity, string Summary)> CriteriaBreaches(Model model, LiveResult result)
    {
        var list = new List<(string, AlertSeverity, string)>();
        if (result.LabelledRows >= MinCriteriaRows)
        {
            var broken = model.AcceptanceCriteria
                .Select(c => (c, value: result.Metrics.GetValueOrDefault(c.Metric)))
                .Where(x => x.value is { } v && !x.c.IsMetBy(v)).ToList();
            if (broken.Count > 0)
                list.Add((PerformanceCause, AlertSeverity.High, $"Live performance of {model.Slug} breaks its acceptance criteria: "
                    + string.Join("; ", broken.Select(x => $"{x.c.Metric} {x.value:0.###} (needs {x.c.Comparator} {x.c.Threshold:0.###})"))
                    + $" on {result.LabelledRows:N0} labelled rows"));
        }
        if (result.FairnessVerdict == "fail")
            list.Add((FairnessCause, AlertSeverity.High, $"The live fairness verdict of {model.Slug} is fail on {result.LabelledRows:N0} labelled rows"));
        return list;
    }

    /// <summary>The signed rules that fire on this point, with the value each read.</summary>
    public static List<(RollbackRule Rule, double Value)> FiredRules(Model model, LiveResult result)
    {
        var fired = new List<(RollbackRule, double)>();
        if (model.RollbackRulesRequestId is null) return fired;
        foreach (var rule in model.RollbackRules)
        {
            double? value = rule.Metric switch
            {
                RollbackRule.Fairness => result.LabelledRows >= rule.MinLabelledRows && result.FairnessVerdict is { } v ? (v == "fail" ? 1 : 0) : null,
                // The band share reads every scored row, labelled or not.
                RollbackRule.BandShare => result.ScoredRows >= rule.MinLabelledRows ? result.BandShare : null,
                _ => result.LabelledRows >= rule.MinLabelledRows ? result.Metrics.GetValueOrDefault(rule.Metric) : null,
            };
            if (value is not { } x) continue;
            if (rule.Metric == RollbackRule.Fairness ? x == 1 : rule.Fires(x))
                fired.Add((rule, x));
        }
        return fired;
    }

    /// <summary>
    /// In the point's transaction, under the model row's lock: the expedited rollback. The unique index on the version that
    /// leaves makes a second run on the same breach fail rather than roll back twice.
    /// </summary>
    private async Task<string> RollBackAsync(PortalDbContext db, string actor, Model model, ModelVersion version, LivePerformanceSnapshot snapshot,
        List<(RollbackRule Rule, double Value)> fired, DateTime breachAt, CancellationToken ct)
    {
        if (await db.AutomaticRollbacks.AnyAsync(r => r.FromVersionId == version.Id, ct))
            return $"Version {version.Number} was rolled back for a breach already.";
        var ruleRequest = model.RollbackRulesRequestId!;
        var signers = await db.SignOffs.AsNoTracking().Where(s => s.RequestId == ruleRequest && s.Approved).OrderBy(s => s.SignedAt).ToListAsync(ct);
        var requester = await db.ApprovalRequests.AsNoTracking().Where(r => r.Id == ruleRequest).Select(r => r.RequestedBy).SingleAsync(ct);
        var signedBy = signers.Select(s => $"{s.UserName} ({Roles.Display(s.Role)})").Prepend($"{requester} (proposed)").ToList();
        var rolledBack = db.AutomaticRollbacks.Where(r => r.ModelId == model.Id).Select(r => r.FromVersionId);
        var target = await db.StageChanges.AsNoTracking()
            .Where(h => h.ModelId == model.Id && h.To == VersionStage.Production && h.ModelVersionId != version.Id && !rolledBack.Contains(h.ModelVersionId))
            .OrderByDescending(h => h.ChangedAt).ThenByDescending(h => h.Id).Select(h => (Guid?)h.ModelVersionId).FirstOrDefaultAsync(ct);
        var targetNumber = target is { } t ? await db.ModelVersions.Where(v => v.Id == t).Select(v => v.Number).SingleAsync(ct) : (int?)null;
        var rule = string.Join("; ", fired.Select(f => f.Rule.Describe()));
        var evidence = string.Join("; ", fired.Select(f => $"{f.Rule.Metric} = {f.Value:0.####}")) + $" on {snapshot.LabelledRows:N0} labelled of {snapshot.ScoredRows:N0} scored rows";
        var now = AuditChain.Now();
        var incidentText = target is null
            ? $"Rollback rule fired on {model.Slug} v{version.Number} ({rule}) but no earlier approved version can take its place: it stays in Production"
            : $"{model.Slug} rolled back automatically from v{version.Number} to v{targetNumber}: {rule}";
        var incident = await DriftService.RaiseOrAttachAsync(db, actor, model, version, new DriftService.AlertEvidence(RollbackCause, AlertSeverity.Critical,
            incidentText, snapshot.Id, breachAt, now, EntityKinds.ModelVersion, version.Id.ToString()), ct);
        var record = new AutomaticRollback
        {
            Id = Guid.NewGuid(), ModelId = model.Id, FromVersionId = version.Id, ToVersionId = target, RuleRequestId = ruleRequest, Rule = Cut(rule, 500),
            Evidence = Cut(evidence, 2000), SnapshotId = snapshot.Id, IncidentAlertId = incident.Id, BreachAt = breachAt, CompletedAt = now,
        };
        db.AutomaticRollbacks.Add(record);
        if (target is { } to)
            await stages.ChangeAsync(db, actor, to, VersionStage.Production, "automatic-rollback", ruleRequest, signedBy, ct);
        db.Audit(actor, target is null ? "model.rollback-impossible" : "model.rolled-back-automatically", EntityKinds.Model, model.Id.ToString(), new
        {
            model = model.Slug, from = version.Number, to = targetNumber, rule, evidence, ruleRequest, signedBy, snapshot = snapshot.Id.ToString(),
            incident = incident.Id.ToString(), breachAt = AuditChain.FormatTime(breachAt), secondsFromBreach = (now - breachAt).TotalSeconds,
        });
        var names = model.Owners.Concat(signers.Select(s => s.UserName))
            .Append(requester.StartsWith("user:", StringComparison.Ordinal) ? requester[5..] : "").Where(n => n.Length > 0);
        var people = await Outbox.UsersNamedAsync(db, names.Distinct(StringComparer.OrdinalIgnoreCase), ct);
        await Outbox.NotifyAsync(db, people, "automatic-rollback", target is null ? $"{model.Slug}: a rollback rule fired, no version to roll back to" : $"{model.Slug} rolled back to v{targetNumber}",
            $"{incidentText}. Evidence: {evidence}.", $"/alerts/{incident.Id}", ct);
        return incidentText + ".";
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
