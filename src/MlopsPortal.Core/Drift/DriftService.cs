using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// What to compare with a model version's training data (default: the Production version): a current dataset version, or
/// (without one) every input the version scored in the last <see cref="WindowHours"/> hours (default 24).
/// </summary>
public sealed record DriftReportRequest(string Model, Guid? CurrentDatasetVersionId = null, Guid? ModelVersionId = null, int? WindowHours = null);

public sealed record DriftReportPayload(DriftReportRequest Request) : JobPayload;

/// <summary>A person an alert may be assigned to.</summary>
public sealed record Assignee(string UserName, string DisplayName, DateTimeOffset? LockoutEnd = null)
{
    public bool LockedOut => LockoutEnd > DateTimeOffset.UtcNow;
}

/// <summary>One column's score in past reports of a model, oldest first: the trend on the report page.</summary>
public sealed record DriftTrendPoint(Guid ReportId, DateTime At, double? Score, bool? Drifted);

/// <summary>
/// Drift reports (jobs) and the alerts they raise, with the triage that engineers do in the browser: acknowledge,
/// assign, comment, resolve with a reason, dismiss as expected, retrain. Every step is audited.
/// </summary>
public sealed class DriftService(IDbContextFactory<PortalDbContext> dbFactory, JobService jobs, TrainingService training, DriftAlertFeed feed)
{
    public static readonly string[] ReportRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];
    public static readonly string[] TriageRoles = [Roles.MlEngineer, Roles.DataScientist];
    public const int DefaultWindowHours = 24;
    /// <summary>The drift schedule a model gets when a version first goes to Production: every day at 02:00 UTC.</summary>
    public const string DefaultScheduleCron = "0 0 2 * * ?";

    public async Task<JobRun> StartReportAsync(Actor actor, DriftReportRequest request, CancellationToken ct = default)
    {
        actor.Require(ReportRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (model, version) = await ReferenceAsync(db, request, ct);
        if (request.WindowHours is < 1 or > 24 * 90)
            throw new PortalValidationException("The window is between 1 hour and 90 days.");
        if (request.CurrentDatasetVersionId is { } currentId && !await db.DatasetVersions.AnyAsync(v => v.Id == currentId, ct))
            throw new PortalNotFoundException($"No dataset version {currentId}.");
        return await jobs.EnqueueAsync(actor, new JobRequest(ReportDriftJob.Kind,
            new DriftReportPayload(request with { ModelVersionId = version.Id }),
            request.CurrentDatasetVersionId is null
                ? $"Drift of {model.Slug} v{version.Number} on what it scored in the last {request.WindowHours ?? DefaultWindowHours} hours"
                : $"Drift of {model.Slug} v{version.Number} on new data"), ct);
    }

    /// <summary>The model and the version whose training data is the reference: the one asked for, or the Production version.</summary>
    /// <summary>
    /// The dataset versions a model version scored in the window (the inputs of its succeeded batch-scoring runs), oldest first.
    /// </summary>
    internal static async Task<List<Guid>> ScoringInputsAsync(PortalDbContext db, Guid versionId, DateTime since, CancellationToken ct)
    {
        var runs = await db.JobRuns.AsNoTracking()
            .Where(r => r.Kind == ScoreBatchJob.Kind && r.Status == JobRunStatus.Succeeded && r.FinishedAt >= since)
            .OrderBy(r => r.FinishedAt).Select(r => new { r.Payload, r.PayloadVersion }).ToListAsync(ct);
        return runs.Select(r => JobPayload.Read<ScoringPayload>(r.Payload, r.PayloadVersion))
            .Where(p => p.ModelVersionId == versionId).Select(p => p.DatasetVersionId).Distinct().ToList();
    }

    internal static async Task<(Model Model, ModelVersion Version)> ReferenceAsync(PortalDbContext db, DriftReportRequest request, CancellationToken ct)
    {
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == request.Model, ct)
                    ?? throw new PortalNotFoundException($"No model '{request.Model}'.");
        var version = request.ModelVersionId is { } id
            ? await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id && v.ModelId == model.Id, ct)
              ?? throw new PortalNotFoundException($"No version {id} of '{model.Slug}'.")
            : await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct)
              ?? throw new PortalValidationException($"'{model.Slug}' has no Production version: name the version whose training data is the reference.");
        if (version.TrainingDatasetVersionId is null)
            throw new PortalValidationException($"Version {version.Number} of '{model.Slug}' records no training data: there is no reference to compare with.");
        return (model, version);
    }

    /// <summary>The slugs of the given models (for pages that list reports and alerts by model id).</summary>
    public async Task<Dictionary<Guid, string>> ModelSlugsAsync(IEnumerable<Guid> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Models.AsNoTracking().Where(m => wanted.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Slug, ct);
    }

    /// <summary>Version id → its number, for the alert queue's titles ("Prediction drift on credit-risk v1").</summary>
    public async Task<Dictionary<Guid, int>> VersionNumbersAsync(IEnumerable<Guid> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ModelVersions.AsNoTracking().Where(v => wanted.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Number, ct);
    }

    public async Task<DriftReportRecord> GetReportAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DriftReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct)
               ?? throw new PortalNotFoundException($"No drift report {id}.");
    }

    public async Task<IReadOnlyList<DriftReportRecord>> ReportsAsync(Guid modelId, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DriftReports.AsNoTracking().Where(r => r.ModelId == modelId).OrderByDescending(r => r.CreatedAt)
            .Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    /// <summary>The key of the model's scores among <see cref="TrendsAsync"/>'s columns (not a column name: it has parentheses).</summary>
    public const string PredictionTrendKey = "(scores)";

    /// <summary>Each column's score (and the model's scores') across the model's reports up to and including this one (at most the last 20).</summary>
    public async Task<IReadOnlyDictionary<string, List<DriftTrendPoint>>> TrendsAsync(DriftReportRecord report, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reports = await db.DriftReports.AsNoTracking().Where(r => r.ModelId == report.ModelId && r.CreatedAt <= report.CreatedAt)
            .OrderByDescending(r => r.CreatedAt).Take(20).ToListAsync(ct);
        var trends = new Dictionary<string, List<DriftTrendPoint>>();
        foreach (var r in reports.OrderBy(r => r.CreatedAt))
        {
            var root = JsonDocument.Parse(r.Report).RootElement;
            var columns = root.GetProperty("columns").EnumerateArray().Select(c => (Name: c.GetProperty("column").GetString()!, Column: c)).ToList();
            if (root.TryGetProperty("prediction", out var p) && p.ValueKind == JsonValueKind.Object) columns.Add((PredictionTrendKey, p));
            foreach (var (name, c) in columns)
            {
                if (!trends.TryGetValue(name, out var list)) trends[name] = list = [];
                list.Add(new DriftTrendPoint(r.Id, r.CreatedAt,
                    c.GetProperty("score").ValueKind == JsonValueKind.Number ? c.GetProperty("score").GetDouble() : null,
                    c.GetProperty("drifted").ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }));
            }
        }
        return trends;
    }

    // ---- alerts ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Severity from how many and how far: Critical when at least 75 % of the judged columns drifted or the drifted columns are
    /// on average past their thresholds by the threshold itself again (margin ≥ 1); High otherwise.
    /// </summary>
    public static AlertSeverity Severity(double share, double meanMargin) =>
        share >= 0.75 || meanMargin >= 1 ? AlertSeverity.Critical : AlertSeverity.High;

    /// <summary>Prediction drift alone: High when the score is past its threshold by the threshold again, else Medium.</summary>
    public static AlertSeverity PredictionSeverity(double margin) => margin >= 1 ? AlertSeverity.High : AlertSeverity.Medium;

    /// <summary>
    /// In the report's transaction: for each cause the report shows (dataset drift, prediction drift) raises an alert, or
    /// attaches the report to the open alert of the same model and cause (the model row is locked first, so two reports
    /// never raise two alerts for one cause).
    /// </summary>
    internal static async Task RaiseOrAttachAsync(PortalDbContext db, string actor, Model model, ModelVersion version, DriftReportRecord report,
        DriftResult result, DriftColumnResult? prediction, double threshold, CancellationToken ct)
    {
        var causes = new List<(string Cause, AlertSeverity Severity, string Summary)>();
        // The features by name, largest drift first (the engine's order), so that the alert says what moved.
        var drifted = result.Columns.Where(c => c.Drifted == true).Select(c => c.Column).ToList();
        if (report.DatasetDrift == true && report.DriftedShare is { } share)
        {
            var margins = result.Columns.Where(c => c.Drifted == true).Select(c => c.Margin).Where(double.IsFinite).DefaultIfEmpty(0).Average();
            causes.Add(("dataset-drift", Severity(share, margins),
                DriftWords.DatasetSummary(model.Slug, version.Number, drifted, report.JudgedColumns, share, threshold)));
        }
        if (prediction?.Drifted == true)
            causes.Add(("prediction-drift", PredictionSeverity(double.IsFinite(prediction.Margin) ? prediction.Margin : 1),
                DriftWords.PredictionSummary(model.Slug, version.Number, prediction.Test, prediction.Score, prediction.Threshold, drifted, report.JudgedColumns)));
        if (causes.Count == 0) return;
        await ModelRowLock.TakeAsync(db, model.Id, ct);
        foreach (var (cause, severity, summary) in causes)
            await RaiseOrAttachAsync(db, actor, model, version, new AlertEvidence(cause, severity, summary, report.Id, report.DataArrivedAt, report.CreatedAt,
                EntityKinds.DriftReport, report.Id.ToString()), ct);
    }

    /// <summary>What raises an alert: its cause and severity, the evidence record (a drift report or a live-performance point) and when its data arrived.</summary>
    internal sealed record AlertEvidence(string Cause, AlertSeverity Severity, string Summary, Guid EvidenceId, DateTime DataArrivedAt, DateTime At,
        string LineageKind, string LineageId);

    /// <summary>
    /// Raises an alert for the cause, or attaches the evidence to the open alert of the same model and cause. The caller holds
    /// the model row's lock, so two jobs never raise two alerts for one cause. Returns the alert.
    /// </summary>
    internal static async Task<DriftAlert> RaiseOrAttachAsync(PortalDbContext db, string actor, Model model, ModelVersion version, AlertEvidence e, CancellationToken ct)
    {
        var open = await db.DriftAlerts.Where(a => a.ModelId == model.Id && a.Cause == e.Cause
            && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)).SingleOrDefaultAsync(ct);
        if (open is not null)
        {
            open.Reports++;
            open.LastReportId = e.EvidenceId;
            open.LastSeenAt = e.At;
            if (e.Severity > open.Severity) open.Severity = e.Severity;
            db.Audit(actor, "drift-alert.repeated", EntityKinds.DriftAlert, open.Id.ToString(), new { evidence = e.EvidenceId.ToString(), cause = e.Cause, severity = open.Severity.ToString(), reports = open.Reports });
            db.AddLineage(e.LineageKind, e.LineageId, EntityKinds.DriftAlert, open.Id.ToString(), "repeated");
            return open;
        }
        var alert = new DriftAlert
        {
            Id = Guid.NewGuid(), ModelId = model.Id, ModelVersionId = version.Id, Cause = e.Cause, Severity = e.Severity, Status = AlertStatus.Open,
            Summary = e.Summary.Length > 500 ? e.Summary[..497] + "…" : e.Summary, FirstReportId = e.EvidenceId, LastReportId = e.EvidenceId,
            DataArrivedAt = e.DataArrivedAt, RaisedAt = e.At, LastSeenAt = e.At,
        };
        db.DriftAlerts.Add(alert);
        db.Audit(actor, "drift-alert.raised", EntityKinds.DriftAlert, alert.Id.ToString(), new
        {
            model = model.Slug, version = version.Number, cause = e.Cause, severity = e.Severity.ToString(), evidence = e.EvidenceId.ToString(),
            timeToDetectSeconds = (alert.RaisedAt - alert.DataArrivedAt).TotalSeconds,
        });
        db.AddLineage(e.LineageKind, e.LineageId, EntityKinds.DriftAlert, alert.Id.ToString(), "raised");
        await Outbox.NotifyAsync(db, await Outbox.UsersNamedAsync(db, model.Owners, ct), "drift-alert", $"{e.Severity} alert on {model.Slug}",
            alert.Summary + ".", $"/alerts/{alert.Id}", ct);
        await Outbox.PublishAsync(db, WebhookEvents.DriftAlertRaised, new
        {
            alert = alert.Id, model = model.Slug, version = version.Number, cause = e.Cause, severity = e.Severity.ToString(), report = e.EvidenceId, url = $"/alerts/{alert.Id}",
        }, ct);
        return alert;
    }

    /// <summary>Alerts whose evidence is a drift report (the others come from live performance and rollbacks).</summary>
    public static bool IsDriftCause(string cause) => cause is "dataset-drift" or "prediction-drift";

    public async Task<IReadOnlyList<DriftAlert>> AlertsAsync(AlertStatus? status = null, Guid? modelId = null, AlertSeverity? severity = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.DriftAlerts.AsNoTracking();
        if (status is { } s) query = query.Where(a => a.Status == s);
        if (modelId is { } m) query = query.Where(a => a.ModelId == m);
        if (severity is { } v) query = query.Where(a => a.Severity == v);
        return await query.OrderByDescending(a => a.RaisedAt).Take(500).ToListAsync(ct);
    }

    public async Task<(DriftAlert Alert, IReadOnlyList<DriftAlertEvent> Events)> GetAlertAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var alert = await db.DriftAlerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new PortalNotFoundException($"No drift alert {id}.");
        return (alert, await db.DriftAlertEvents.AsNoTracking().Where(e => e.AlertId == id).OrderBy(e => e.Id).ToListAsync(ct));
    }

    public Task AcknowledgeAsync(Actor actor, Guid id, CancellationToken ct = default) => TriageAsync(actor, id, "acknowledged", "", (a, now) =>
    {
        if (a.Status != AlertStatus.Open) throw new PortalValidationException("Only an open alert is acknowledged.");
        a.Status = AlertStatus.Acknowledged;
        a.AcknowledgedAt = now;
        a.AcknowledgedBy = actor.AuditName;
    }, ct);

    /// <summary>Assigns the alert to a person who may triage it (<see cref="AssigneesAsync"/>).</summary>
    public Task AssignAsync(Actor actor, Guid id, string userName, CancellationToken ct = default) =>
        TriageAsync(actor, id, "assigned", (userName ?? "").Trim(), (a, _) =>
        {
            if (string.IsNullOrWhiteSpace(userName)) throw new PortalValidationException("Name who takes the alert.");
            a.AssignedTo = userName.Trim();
        }, ct, checkUser: userName);

    /// <summary>
    /// The people an alert may be assigned to: active users who hold a role that triages alerts (<see cref="TriageRoles"/>:
    /// ML engineers and data scientists), so that whoever takes an alert can acknowledge, resolve or retrain it.
    /// </summary>
    public async Task<IReadOnlyList<Assignee>> AssigneesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await EligibleUsers(db).Select(u => new Assignee(u.UserName!, u.DisplayName, u.LockoutEnd)).ToListAsync(ct);
        return [.. all.Where(a => !a.LockedOut).OrderBy(a => a.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(a => a.UserName)];
    }

    private static IQueryable<Users.PortalUser> EligibleUsers(PortalDbContext db)
    {
        var triage = TriageRoles.Select(r => r.ToUpperInvariant()).ToList();
        var ids = from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where triage.Contains(r.NormalizedName!) select ur.UserId;
        // Lockout ends are compared in memory (Assignee.LockedOut): SQLite cannot compare DateTimeOffset in SQL.
        return db.Users.AsNoTracking().Where(u => ids.Contains(u.Id));
    }

    public Task CommentAsync(Actor actor, Guid id, string text, CancellationToken ct = default) =>
        TriageAsync(actor, id, "commented", Required(text, "comment"), (_, _) => { }, ct, allowClosed: true);

    public Task ResolveAsync(Actor actor, Guid id, string reason, CancellationToken ct = default) =>
        TriageAsync(actor, id, "resolved", Required(reason, "reason"), (a, now) => Close(a, AlertStatus.Resolved, actor, now, reason), ct);

    public Task DismissAsync(Actor actor, Guid id, string reason, CancellationToken ct = default) =>
        TriageAsync(actor, id, "dismissed", Required(reason, "reason"), (a, now) => Close(a, AlertStatus.Dismissed, actor, now, reason), ct);

    /// <summary>Starts a retraining run whose trigger is the alert, on the newest version of the monitored version's training dataset.</summary>
    public async Task<JobRun> RetrainAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(TriageRoles);
        Guid dataset;
        string slug;
        Dictionary<string, string>? parameters;
        int? seed;
        string? engine;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var alert = await db.DriftAlerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new PortalNotFoundException($"No drift alert {id}.");
            if (!alert.IsOpen) throw new PortalValidationException("The alert is closed.");
            if (alert.RetrainingRunId is { } existing && await db.JobRuns.AnyAsync(r => r.Id == existing && r.FinishedAt == null, ct))
                throw new PortalValidationException("A retraining run started from this alert is still running.");
            // The newest version of the dataset the monitored version trained on: new labelled rows arrive as new versions
            // (the drifted data itself has no labels to learn from).
            var monitored = await db.ModelVersions.AsNoTracking().SingleAsync(v => v.Id == alert.ModelVersionId, ct);
            var trainedOn = monitored.TrainingDatasetVersionId
                            ?? throw new PortalValidationException("The monitored version records no training data to retrain on.");
            // The monitored version's own recipe (requested parameters and seed), so that only the data changes.
            var recipe = await db.TrainingRuns.AsNoTracking().Where(r => r.Id == monitored.TrainingRunId)
                .Select(r => new { r.Parameters, r.Seed, r.Engine }).SingleOrDefaultAsync(ct);
            (parameters, seed, engine) = (recipe?.Parameters, recipe?.Seed, recipe?.Engine);
            var datasetId = await db.DatasetVersions.Where(v => v.Id == trainedOn).Select(v => v.DatasetId).SingleAsync(ct);
            dataset = await db.DatasetVersions.Where(v => v.DatasetId == datasetId).OrderByDescending(v => v.Version).Select(v => v.Id).FirstAsync(ct);
            slug = await db.Models.Where(m => m.Id == alert.ModelId).Select(m => m.Slug).SingleAsync(ct);
        }
        var run = await training.StartRunAsync(actor, new TrainingRunRequest(slug, dataset, parameters, seed) { Reason = $"Retraining for drift alert {id}", Engine = engine },
            triggeredBy: $"drift-alert:{id} (by {actor.AuditName})", ct: ct);
        await TriageAsync(actor, id, "retraining-started", $"Run {run.Id}", (a, _) => a.RetrainingRunId = run.Id, ct);
        return run;
    }

    private static void Close(DriftAlert a, AlertStatus status, Actor actor, DateTime now, string reason)
    {
        if (!a.IsOpen) throw new PortalValidationException($"The alert is already {a.Status.ToString().ToLowerInvariant()}.");
        a.Status = status;
        a.ClosedAt = now;
        a.ClosedBy = actor.AuditName;
        a.Resolution = reason.Trim();
    }

    private async Task TriageAsync(Actor actor, Guid id, string action, string text, Action<DriftAlert, DateTime> change, CancellationToken ct,
        bool allowClosed = false, string? checkUser = null)
    {
        actor.Require(TriageRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (checkUser is not null && !await db.Users.AnyAsync(u => u.NormalizedUserName == checkUser.Trim().ToUpper(), ct))
            throw new PortalValidationException($"No user named '{checkUser}'.");
        if (checkUser is not null && await EligibleUsers(db).Where(u => u.NormalizedUserName == checkUser.Trim().ToUpper())
                .Select(u => new Assignee(u.UserName!, u.DisplayName, u.LockoutEnd)).FirstOrDefaultAsync(ct) is not { LockedOut: false })
            throw new PortalValidationException($"{checkUser.Trim()} cannot triage alerts: assign an ML engineer or a data scientist.");
        var modelId = await db.DriftAlerts.Where(a => a.Id == id).Select(a => (Guid?)a.ModelId).SingleOrDefaultAsync(ct)
                      ?? throw new PortalNotFoundException($"No drift alert {id}.");
        // The model row's lock, as a report that attaches to or raises alerts takes it: triage and reports take turns,
        // so a report never attaches to an alert closed meanwhile, and two triage steps never interleave.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ModelRowLock.TakeAsync(db, modelId, ct);
        var alert = await db.DriftAlerts.SingleAsync(a => a.Id == id, ct);
        if (!allowClosed && !alert.IsOpen && action != "commented")
            throw new PortalValidationException($"The alert is already {alert.Status.ToString().ToLowerInvariant()}.");
        var now = AuditChain.Now();
        change(alert, now);
        db.DriftAlertEvents.Add(new DriftAlertEvent { AlertId = id, Action = action, Actor = actor.AuditName, Text = text, At = now });
        db.Audit(actor.AuditName, $"drift-alert.{action}", "drift-alert", id.ToString(), new
        {
            text, status = alert.Status.ToString(), assignedTo = alert.AssignedTo,
            timeToAcknowledgeSeconds = action == "acknowledged" ? (now - alert.RaisedAt).TotalSeconds : (double?)null,
            timeToResolveSeconds = alert.ClosedAt is { } closed && action is "resolved" or "dismissed" ? (closed - alert.RaisedAt).TotalSeconds : (double?)null,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Open pages (the navigation's count, the queue) see the step at once.
        feed.Poke();
    }

    private static string Required(string? text, string what) => InputLimits.Required(text, what, InputLimits.Reason);

    /// <summary>Mean time from data arrival to alert, over the alerts raised in the last 30 days (null when none).</summary>
    public async Task<TimeSpan?> MeanTimeToDetectAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = DateTime.UtcNow.AddDays(-30);
        var alerts = await db.DriftAlerts.AsNoTracking().Where(a => a.RaisedAt >= since).Select(a => new { a.RaisedAt, a.DataArrivedAt }).ToListAsync(ct);
        return alerts.Count == 0 ? null : TimeSpan.FromSeconds(alerts.Average(a => (a.RaisedAt - a.DataArrivedAt).TotalSeconds));
    }
}
