using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Core.Reports;

/// <summary>
/// What a model audit report says about one model version, section by section (capability 12), read from the same rows
/// the web pages read and drawn through <see cref="PdfReport"/>. A section whose evidence does not exist yet says so.
/// </summary>
internal sealed partial class ModelAuditReport(PortalDbContext db, LineageService lineage, ActorNameService actorNames, AuditSentenceService sentences, Scheduling.JobKinds kinds)
{
    /// <summary>People and jobs in words: actor strings and bare user names → display names (filled before drawing).</summary>
    private IReadOnlyDictionary<string, ActorDisplay> _actors = new Dictionary<string, ActorDisplay>();
    /// <summary>Entities in words ("kind:id" → "Evaluation of credit-risk v3"), for the gates' evidence.</summary>
    private IReadOnlyDictionary<string, LineageNode> _entities = new Dictionary<string, LineageNode>();

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string Num(double? v, string format = "0.000") => v is { } x ? x.ToString(format, Inv) : "—";
    private static string Time(DateTime? t) => t is { } x ? x.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv) : "—";

    public sealed record Context(Guid ReportId, string GeneratedBy, DateTime GeneratedAt, ChainHead Head, AuditAnchor? Anchor, VerificationResult Verification);

    public async Task<PdfReport> WriteAsync(Guid versionId, Context context, CancellationToken ct)
    {
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new Security.PortalNotFoundException($"No model version {versionId}.");
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == version.ModelId, ct);
        var title = $"Model audit report: {model.Slug} v{version.Number}";
        var pdf = new PdfReport(title, $"{title} · report {context.ReportId} · {Time(context.GeneratedAt)}");

        var evaluation = await db.ModelEvaluations.AsNoTracking().Where(e => e.ModelVersionId == version.Id).OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
        var audit = await db.FairnessAudits.AsNoTracking().Where(a => a.ModelVersionId == version.Id).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        var requests = await db.ApprovalRequests.AsNoTracking().Where(r => r.SubjectId == version.Id.ToString()).OrderBy(r => r.RequestedAt).ToListAsync(ct);
        var requestIds = requests.Select(r => r.Id).ToList();
        var signOffs = await db.SignOffs.AsNoTracking().Where(s => requestIds.Contains(s.RequestId)).OrderBy(s => s.SignedAt).ToListAsync(ct);
        var changes = await db.StageChanges.AsNoTracking().Where(c => c.ModelVersionId == version.Id).OrderBy(c => c.ChangedAt).ToListAsync(ct);
        var run = version.TrainingRunId is { } runId ? await db.TrainingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct) : null;
        var drift = await db.DriftReports.AsNoTracking().Where(r => r.ModelVersionId == version.Id).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var alerts = await db.DriftAlerts.AsNoTracking().Where(a => a.ModelVersionId == version.Id).OrderBy(a => a.RaisedAt).ToListAsync(ct);
        await NamesAsync(model, version, run, evaluation, audit, requests, signOffs, changes, alerts, context, ct);

        pdf.Cover(title, $"{model.DisplayName}, version {version.Number} — {model.UseCase}",
        [
            ("Model", $"{model.DisplayName} ({model.Slug})"), ("Version", $"{version.Number} (stage: {Stage(version.Stage)})"), ("Risk tier", model.RiskTier.ToString()),
            ("Owners", People(model.Owners)), ("Team", model.Team.Length > 0 ? model.Team : "—"), ("Report id", context.ReportId.ToString()),
            ("Generated", $"{Time(context.GeneratedAt)} by {Who(context.GeneratedBy)}"), ("Package SHA-256", version.PackageSha256),
            ("Audit chain head", $"#{context.Head.Sequence}"), ("Chain head hash", context.Head.Hash),
            ("Latest anchor", context.Anchor is { } a ? $"#{a.Sequence} {a.Hash[..16]}… ({Time(a.CreatedAt)}, {a.Purpose})" : "none exported yet"),
        ], "This report is signed with the portal's certificate. `report verify FILE` (or the Reports page) says whether a copy is one the portal issued and unchanged. "
           + "Compare the chain head above with an exported anchor to detect a rewritten audit trail.");

        ModelCard(pdf, model);
        await LineageAsync(pdf, version, ct);
        await TrainingDataAsync(pdf, version, run, ct);
        TrainingRun(pdf, version, run);
        Evaluation(pdf, model, evaluation);
        await ChampionAsync(pdf, evaluation, ct);
        Fairness(pdf, audit);
        Drift(pdf, model, drift, alerts);
        Promotions(pdf, requests, signOffs);
        StageHistory(pdf, changes, requests);
        Findings(pdf, model, version, evaluation, audit, alerts, requests);
        await MonitoringAsync(pdf, model, ct);
        IndependentReview(pdf, version, run, signOffs, requests);
        RegulatoryMapping(pdf);
        await AuditTrailAsync(pdf, context, version, run, evaluation, audit, requests, drift, alerts, ct);
        return pdf;
    }

    private void ModelCard(PdfReport pdf, Model model)
    {
        pdf.Heading("1. Model card");
        pdf.KeyValues(
        [
            ("Name", $"{model.DisplayName} ({model.Slug})"), ("Description", Or(model.Description)), ("Intended use", Or(model.UseCase)),
            ("Task", DisplayNames.Of(model.Task)), ("Label", $"{model.LabelColumn}{(model.PositiveLabel is null ? "" : $" (positive: {model.PositiveLabel})")}"),
            ("Features", string.Join(", ", model.FeatureColumns)), ("Sensitive attributes", model.SensitiveAttributes.Count == 0 ? "none declared" : string.Join(", ", model.SensitiveAttributes)),
            ("Decision threshold", Num(model.DecisionThreshold, "0.###")), ("Owners", People(model.Owners)), ("Risk tier", model.RiskTier.ToString()),
            ("Known limitations", Or(model.KnownLimitations)),
        ]);
        pdf.Heading("Acceptance criteria", 2);
        if (model.AcceptanceCriteria.Count == 0) pdf.Paragraph("No acceptance criteria are set.", muted: true);
        else
            pdf.Table([new("Metric", 2), new("Must be", 1), new("Threshold", 1, true), new("Owned by", 2)],
                model.AcceptanceCriteria.Select(c => (IReadOnlyList<string>)[DisplayNames.Of(c.Metric), Comparator(c.Comparator), Num(c.Threshold, "0.###"), DisplayNames.Role(c.OwningRole)]));
    }

    /// <summary>Node size and gaps of the printed lineage (points before scaling): smaller than the web page's, so that its text stays readable.</summary>
    private static readonly (double Width, double Height) PrintNode = (190, 40);
    private static readonly Engine.Lineage.LayoutOptions PrintLayout = new() { LayerGap = 40, NodeGap = 8 };

    private async Task LineageAsync(PdfReport pdf, ModelVersion version, CancellationToken ct)
    {
        var graph = await lineage.GetAsync(new LineageQuery(EntityKinds.ModelVersion, version.Id.ToString(), LineageDirection.Both, 2), ct);
        // The graph of the portal's lineage page, laid out again at print size (the page's boxes would print at 4 pt).
        var index = graph.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var layout = Engine.Lineage.LayeredLayout.Compute(graph.Nodes.Select(_ => PrintNode).ToList(),
            graph.Edges.Where(e => index.ContainsKey(e.From) && index.ContainsKey(e.To)).Select(e => new Engine.Lineage.LayoutEdge(index[e.From], index[e.To])), PrintLayout);
        pdf.Lineage(layout, graph.Nodes.Select(n =>
        {
            var look = LineageStyle.Of(n.Kind);
            return (look.Badge, look.Color, n.Name, n.KeyFact, n.Focus);
        }).ToList(), "2. Lineage",
            "Upstream and downstream of this version (two steps each way): the graph of the portal's lineage page. Every node is listed in full below.");
        pdf.Table([new("Kind", 1.2), new("Name", 2), new("Key fact", 2.2)],
            graph.Nodes.Select(n => (IReadOnlyList<string>)[LineageStyle.Of(n.Kind).Label, n.Name, n.KeyFact]), small: true);
    }

    private async Task TrainingDataAsync(PdfReport pdf, ModelVersion version, TrainingRun? run, CancellationToken ct)
    {
        pdf.Heading("3. Training data");
        var ids = new List<Guid>();
        if (version.TrainingDatasetVersionId is { } declared) ids.Add(declared);
        if (run is not null && !ids.Contains(run.DatasetVersionId)) ids.Add(run.DatasetVersionId);
        if (ids.Count == 0)
        {
            pdf.Paragraph("No training data is recorded for this version (trained outside the portal without a declared dataset).", alert: true);
            return;
        }
        foreach (var id in ids)
        {
            var data = await db.DatasetVersions.AsNoTracking().Where(v => v.Id == id).Join(db.Datasets, v => v.DatasetId, d => d.Id, (v, d) => new { v, d.Name }).SingleOrDefaultAsync(ct);
            if (data is null) continue;
            pdf.Heading($"{data.Name} v{data.v.Version}", 2);
            pdf.KeyValues([("Content SHA-256", data.v.Sha256), ("Rows", data.v.RowCount.ToString("N0", Inv)), ("Columns", data.v.ColumnCount.ToString(Inv)),
                ("Added", $"{Time(data.v.AddedAt)} by {Who(data.v.AddedBy)}"), ("File", data.v.SourceFileName ?? "—")]);
            var schema = JsonSerializer.Deserialize<List<SchemaColumn>>(data.v.Schema, TrainingJson.Options) ?? [];
            pdf.Table([new("Column", 2), new("Type", 1), new("Nullable", 0.8), new("Range or categories", 3)],
                schema.Select(c => (IReadOnlyList<string>)[c.Name, c.Type, c.Nullable ? "yes" : "no", Describe(c)]), small: true);
        }
    }

    private static string Describe(SchemaColumn c) =>
        c.Categories is { Count: > 0 } cats ? string.Join(", ", cats.Take(12)) + (cats.Count > 12 ? $" … ({cats.Count})" : "")
        : c.Min is not null || c.Max is not null ? $"{Num(c.Min, "0.###")} to {Num(c.Max, "0.###")}" : "—";

    private void TrainingRun(PdfReport pdf, ModelVersion version, TrainingRun? run)
    {
        pdf.Heading("4. Training run");
        if (run is null)
        {
            pdf.Paragraph($"Trained outside the portal{(version.Source is null ? "" : $" ({version.Source})")}; registered by {Who(version.TrainedBy)}. "
                          + "Data preparation and code version are to be supplied by the owner.", alert: true);
            pdf.KeyValues([("Engine", $"{Engine.Models.ModelEngines.DisplayName(version.Engine)} {version.EngineVersion}"), ("Reason codes", ReasonMethod(version.Engine)),
                ("Code version", version.CodeVersion ?? "not recorded")]);
            if (version.Hyperparameters.TryGetValue("onnx.producer", out var producer))
                pdf.KeyValues([("Producer", producer), ("Scores from", $"the output \u201c{version.Hyperparameters.GetValueOrDefault("onnx.output")}\u201d")]);
            return;
        }
        pdf.KeyValues(
        [
            ("Engine", $"{Engine.Models.ModelEngines.DisplayName(run.Engine)} {run.EngineVersion}"), ("Reason codes", ReasonMethod(run.Engine)), ("Seed", run.Seed.ToString(Inv)), ("Code version", run.CodeVersion ?? "not recorded"),
            ("Trigger", $"{DisplayNames.Words(run.Trigger)}{(run.Reason is null ? "" : $" — {run.Reason}")}"), ("Requested by", Who(run.RequestedBy)), ("Node", run.NodeId),
            ("Started", Time(run.StartedAt)), ("Rows", $"{run.TrainRows?.ToString("N0", Inv) ?? "—"} training, {run.ValidationRows?.ToString("N0", Inv) ?? "—"} validation"),
        ]);
        pdf.Heading("Hyperparameters", 2);
        pdf.Table([new("Parameter", 1), new("Value", 2)], version.Hyperparameters.OrderBy(p => p.Key).Select(p => (IReadOnlyList<string>)[p.Key, p.Value]), small: true);
    }

    /// <summary>How the engine explains a prediction, for the record (ADR-020).</summary>
    private static string ReasonMethod(string engine) => engine switch
    {
        Engine.Models.ModelEngines.XGBoost => "TreeSHAP contributions, which add up to the log-odds with the bias",
        Engine.Models.ModelEngines.Logistic => "coefficient × scaled value, which add up to the log-odds with the intercept",
        Engine.Models.ModelEngines.Onnx => "not available: an ONNX model gives scores only",
        Engine.Models.ModelEngines.MlNet => "ML.NET's feature contributions: additive for a linear model; for trees they rank the features only",
        _ => "ML.NET's feature contributions, which rank the features but do not add up to the score",
    };

    private void Evaluation(PdfReport pdf, Model model, ModelEvaluation? evaluation)
    {
        pdf.Heading("5. Evaluation");
        var result = TrainingJson.ReadResult(evaluation?.Result);
        if (evaluation is null || result is null)
        {
            pdf.Paragraph("This version has not been evaluated on a hold-out set yet.", alert: true);
            return;
        }
        pdf.Paragraph($"On {evaluation.Rows:N0} hold-out rows, {Time(evaluation.CreatedAt)}, requested by {Who(evaluation.RequestedBy)}; threshold {Num(evaluation.Threshold, "0.###")}.");
        pdf.Table([new("Metric", 1.3), new("Value", 0.9, true), new("Criterion", 1.2), new("Owner", 2.1), new("Result", 0.8)],
            evaluation.Criteria.Select(c => (IReadOnlyList<string>)[DisplayNames.Of(c.Metric), Num(c.Value), $"{Comparator(c.Comparator)} {Num(c.Threshold, "0.###")}", DisplayNames.Role(c.OwningRole), c.Passed ? "pass" : "FAIL"]),
            alert: i => !evaluation.Criteria[i].Passed);
        if (result.Classification is { } m)
        {
            pdf.Table([new("Metric", 1), new("Value", 1, true)],
            [
                ["AUC", Num(m.Auc)], ["Accuracy", Num(m.Accuracy)], ["Precision", Num(m.Precision)], ["Recall", Num(m.Recall)], ["F1", Num(m.F1)],
                ["Log loss", Num(m.LogLoss)], ["Brier score", Num(m.BrierScore)],
            ]);
            pdf.Matrix("Confusion matrix", ["actual 0", "actual 1"], ["predicted 0", "predicted 1"],
                new long[,] { { m.Confusion.TrueNegatives, m.Confusion.FalsePositives }, { m.Confusion.FalseNegatives, m.Confusion.TruePositives } }, "Actual", "Predicted");
            pdf.LineChart("Calibration: observed positive rate against mean score, per score bin",
            [
                new ReportSeries("observed positive rate", m.Calibration.Where(b => b.PositiveRate is not null).Select(b => (Num(b.High, "0.0"), b.PositiveRate!.Value)).ToList()),
                new ReportSeries("mean score (perfect calibration)", m.Calibration.Where(b => b.MeanScore is not null).Select(b => (Num(b.High, "0.0"), b.MeanScore!.Value)).ToList()),
            ]);
        }
        else if (result.Regression is { } r)
            pdf.Table([new("Metric", 1), new("Value", 1, true)], [["RMSE", Num(r.Rmse)], ["MAE", Num(r.Mae)], ["R²", Num(r.R2)]]);
        if (result.Importance.Count > 0)
            pdf.BarChart("Feature importance (mean |contribution|)", result.Importance.Take(12).Select(i => new ReportBar(i.Feature, i.MeanAbsContribution)).ToList(), min: 0, format: "0.000");
    }

    private async Task ChampionAsync(PdfReport pdf, ModelEvaluation? evaluation, CancellationToken ct)
    {
        pdf.Heading("6. Champion versus challenger");
        var champion = TrainingJson.ReadResult(evaluation?.ChampionResult);
        var challenger = TrainingJson.ReadResult(evaluation?.Result);
        if (evaluation is null || champion is null || challenger is null)
        {
            pdf.Paragraph("There was no Production version to compare with when this version was evaluated.", muted: true);
            return;
        }
        string[] metrics = [Metrics.Auc, "accuracy", "precision", "recall", "f1", "logLoss", "brierScore", "rmse", "mae", "r2"];
        var championNumber = evaluation.ChampionVersionId is { } cid
            ? await db.ModelVersions.AsNoTracking().Where(v => v.Id == cid).Select(v => (int?)v.Number).SingleOrDefaultAsync(ct) : null;
        pdf.Paragraph($"Both on the same {evaluation.Rows:N0} hold-out rows; the champion is {(championNumber is { } n ? $"version {n}" : "a version no longer in the registry")}.");
        pdf.Table([new("Metric", 1.5), new("Challenger (this version)", 1.5, true), new("Champion", 1.5, true), new("Difference", 1, true)],
            metrics.Select(k => (k, a: TrainingJson.Value(challenger, k), b: TrainingJson.Value(champion, k))).Where(x => x.a is not null || x.b is not null)
                .Select(x => (IReadOnlyList<string>)[DisplayNames.Of(x.k), Num(x.a), Num(x.b), x.a is { } a && x.b is { } b ? (a - b).ToString("+0.000;-0.000;0.000", Inv) : "—"]));
    }

    private void Fairness(PdfReport pdf, FairnessAuditRecord? audit)
    {
        pdf.Heading("7. Fairness audit");
        var report = audit is null ? null : FairnessService.Read(audit.Report);
        if (audit is null || report is null)
        {
            pdf.Paragraph("This version has no fairness audit yet.", alert: true);
            return;
        }
        var policy = JsonSerializer.Deserialize<JsonElement>(audit.Policy);
        double? P(string name) => policy.ValueKind == JsonValueKind.Object && policy.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        pdf.KeyValues([("Verdict", DisplayNames.Of(audit.Verdict ?? "none")), ("Rows", report.Rows.ToString("N0", Inv)), ("Sensitive attributes", string.Join(", ", audit.Sensitive)),
            ("Bootstrap", $"{audit.Bootstrap} resamples, seed {audit.Seed}"), ("Audited", $"{Time(audit.CreatedAt)} by {Who(audit.RequestedBy)}"),
            ("Policy", $"disparate impact fail below {Num(P("disparateImpactFail"), "0.##")}, warn below {Num(P("disparateImpactWarn"), "0.##")}; differences fail above {Num(P("differenceFail"), "0.##")}")]);
        pdf.Heading("Groups", 2);
        pdf.Table([new("Attribute", 1.2), new("Group", 1.5), new("Count", 0.8, true), new("Base rate", 0.9, true), new("Selection", 0.9, true), new("TPR", 0.8, true),
                new("FPR", 0.8, true), new("Precision", 0.9, true)],
            report.Groups.Select(g => (IReadOnlyList<string>)[g.Attribute, g.Group + (g.SmallGroup ? " (small)" : ""), g.Count.ToString("N0", Inv), Num(g.BaseRate), Num(g.SelectionRate),
                Num(g.Tpr), Num(g.Fpr), Num(g.Precision)]), small: true);
        pdf.Heading("Disparities against the policy", 2);
        var fail = P("disparateImpactFail") ?? 0.8;
        var diffFail = P("differenceFail") ?? 0.1;
        var rows = report.Disparities.ToList();
        pdf.Table([new("Attribute", 1.3), new("DP difference", 1, true), new("DP ratio", 1, true), new("EO difference", 1, true), new("Disparate impact", 1, true), new("Four-fifths", 0.9)],
            rows.Select(d => (IReadOnlyList<string>)[d.Key, Num(d.Value.DemographicParityDifference), Num(d.Value.DemographicParityRatio), Num(d.Value.EqualizedOddsDifference),
                Num(d.Value.DisparateImpactRatio), d.Value.FourFifthsPass switch { true => "pass", false => "FAIL", _ => "—" }]),
            alert: i => rows[i].Value.DisparateImpactRatio < fail || rows[i].Value.DemographicParityDifference > diffFail);
        foreach (var attribute in report.Groups.Select(g => g.Attribute).Distinct().Take(4))
            pdf.BarChart($"Selection rate by {attribute} (whiskers: bootstrap 95 % interval)",
                report.Groups.Where(g => g.Attribute == attribute && g.SelectionRate is not null).Take(10).Select(g =>
                {
                    var ci = g.Ci?.GetValueOrDefault("selectionRate");
                    return new ReportBar(g.Group, g.SelectionRate!.Value, ci?.Low, ci?.High, Alert: g.SmallGroup);
                }).ToList(), min: 0, max: 1);
    }

    private void Drift(PdfReport pdf, Model model, List<DriftReportRecord> reports, List<DriftAlert> alerts)
    {
        pdf.Heading("8. Drift history");
        if (reports.Count == 0)
        {
            pdf.Paragraph("No drift report has compared new data with this version's training data yet.", muted: true);
            return;
        }
        pdf.TimeChart("Share of drifted columns per report, at the report's time (UTC)",
            [new ReportTimeSeries("drifted share", reports.Select(r => (r.CreatedAt, r.DriftedShare ?? 0)).ToList())], min: 0, max: 1,
            threshold: model.DriftPolicy.DriftedShareThreshold, thresholdLabel: $"policy {model.DriftPolicy.DriftedShareThreshold:0.##}");
        pdf.Table([new("Report (UTC)", 1.5), new("Drifted", 1, true), new("Share", 0.8, true), new("Dataset drift", 1)],
            reports.Select(r => (IReadOnlyList<string>)[Time(r.CreatedAt), $"{r.DriftedColumns}/{r.JudgedColumns}", Num(r.DriftedShare, "0.00"), r.DatasetDrift == true ? "yes" : "no"]),
            alert: i => reports[i].DatasetDrift == true, small: true);
        pdf.Heading("Alerts and their resolution", 2);
        if (alerts.Count == 0) pdf.Paragraph("No alert was raised.", muted: true);
        else
            pdf.Table([new("Raised", 1.3), new("Cause", 1.2), new("Severity", 0.8), new("Status", 0.9), new("Closed by / resolution", 2.5)],
                alerts.Select(a => (IReadOnlyList<string>)[Time(a.RaisedAt), DisplayNames.Words(a.Cause), a.Severity.ToString(), a.Status.ToString(),
                    a.ClosedBy is null ? (a.AssignedTo is { } to ? $"open, assigned to {Who(to)}" : "open") : $"{Who(a.ClosedBy)} at {Time(a.ClosedAt)}: {a.Resolution}"]),
                alert: i => alerts[i].IsOpen, small: true);
    }

    private void Promotions(PdfReport pdf, List<ApprovalRequest> requests, List<SignOff> signOffs)
    {
        pdf.Heading("9. Promotion requests");
        if (requests.Count == 0)
        {
            pdf.Paragraph("No promotion or rollback has been requested for this version.", muted: true);
            return;
        }
        foreach (var r in requests)
        {
            pdf.Heading($"{ApprovalKinds.Display(r.Kind)} to {r.TargetStage} — {r.Status}", 2);
            pdf.KeyValues([("Requested", $"{Time(r.RequestedAt)} by {Who(r.RequestedBy)}"), ("Justification", Or(r.Justification)),
                ("Decided", r.DecidedAt is null ? "not yet" : $"{Time(r.DecidedAt)} ({Who(r.DecidedBy)})")]);
            if (r.GateOverrideBy is not null)
                pdf.Paragraph($"GATES OVERRIDDEN by {Who(r.GateOverrideBy)} at {Time(r.GateOverrideAt)}: {r.GateOverrideReason}", bold: true, alert: true);
            pdf.Table([new("Gate", 1.3), new("Result", 0.7), new("Evidence", 3)],
                r.Gates.Select(g => (IReadOnlyList<string>)[DisplayNames.Words(g.Gate), !g.Passed ? "FAIL" : g.Warning ? "warning" : "pass",
                    Named(g.Summary + Evidence(g) + (g.Details is { Count: > 0 } d ? " — " + string.Join("; ", d) : ""))]),
                alert: i => !r.Gates[i].Passed);
            var mine = signOffs.Where(s => s.RequestId == r.Id).ToList();
            if (mine.Count == 0) pdf.Paragraph("No sign-offs yet.", muted: true);
            else
                pdf.Table([new("Signed by", 1.5), new("Role", 1.2), new("Decision", 0.8), new("Comment", 2.2), new("When (UTC)", 1.2)],
                    mine.Select(s => (IReadOnlyList<string>)[Who(s.UserName) + (s.OnBehalfOfUserName is null ? "" : $" for {Who(s.OnBehalfOfUserName)}"), DisplayNames.Role(s.Role),
                        s.Approved ? "approved" : "REJECTED", Or(s.Comment), s.SignedAt.ToString("yyyy-MM-dd HH:mm", Inv)]), alert: i => !mine[i].Approved);
        }
    }

    private void StageHistory(PdfReport pdf, List<StageChange> changes, List<ApprovalRequest> requests)
    {
        pdf.Heading("10. Stage history");
        if (changes.Count == 0) pdf.Paragraph("This version has not changed stage.", muted: true);
        else
            pdf.Table([new("When (UTC)", 1.2), new("Change", 1.4), new("Why", 1), new("Request", 1.2), new("Signed by", 2.4)],
                changes.Select(c => (IReadOnlyList<string>)[Time(c.ChangedAt), $"{Stage(c.From)} → {Stage(c.To)}", DisplayNames.Words(c.Reason),
                    c.RequestId is null ? "—" : requests.FirstOrDefault(r => r.Id == c.RequestId) is { } r ? $"{ApprovalKinds.Display(r.Kind)} of {Time(r.RequestedAt)}" : "another version's request",
                    string.Join("; ", c.SignedBy.Select(Signer))]), small: true);
    }

    private void Findings(PdfReport pdf, Model model, ModelVersion version, ModelEvaluation? evaluation, FairnessAuditRecord? audit, List<DriftAlert> alerts,
        List<ApprovalRequest> requests)
    {
        pdf.Heading("11. Known limitations and open findings");
        var owner = model.Owners.FirstOrDefault() is { } first ? Who(first) : "the model owner";
        var findings = new List<(string Type, string Severity, string Finding, string Owner, string Due)>();
        var due = (evaluation?.CreatedAt ?? version.CreatedAt).AddDays(30).ToString("yyyy-MM-dd", Inv);
        if (evaluation is null)
            findings.Add(("validation issue", "high", "No hold-out evaluation of this version.", owner, due));
        else
            foreach (var c in evaluation.Criteria.Where(c => !c.Passed))
                findings.Add(("validation issue", "high", $"Acceptance criterion missed: {DisplayNames.Of(c.Metric)} {Num(c.Value)} (must be {Comparator(c.Comparator)} {Num(c.Threshold, "0.###")}).", DisplayNames.Role(c.OwningRole), due));
        if (audit is null)
            findings.Add(("validation issue", "high", "No fairness audit of this version.", owner, due));
        else if (audit.Verdict is "fail" or "warn")
            findings.Add(("validation issue", audit.Verdict == "fail" ? "high" : "medium", $"Fairness audit verdict: {DisplayNames.Of(audit.Verdict).ToLowerInvariant()} (section 7).", owner,
                audit.CreatedAt.AddDays(30).ToString("yyyy-MM-dd", Inv)));
        foreach (var line in model.KnownLimitations.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            findings.Add(("limitation", "medium", line, owner, "reviewed yearly"));
        foreach (var a in alerts.Where(a => a.IsOpen))
            findings.Add(("validation issue", a.Severity.ToString().ToLowerInvariant(), a.Summary, a.AssignedTo is { } to ? Who(to) : owner, a.RaisedAt.AddDays(30).ToString("yyyy-MM-dd", Inv)));
        foreach (var r in requests.Where(r => r.GateOverrideBy is not null))
            findings.Add(("policy exception", "high", $"Gates overridden on the {ApprovalKinds.Display(r.Kind).ToLowerInvariant()} request of {Time(r.RequestedAt)}: {r.GateOverrideReason}", Who(r.GateOverrideBy),
                (r.GateOverrideAt ?? r.RequestedAt).AddDays(90).ToString("yyyy-MM-dd", Inv)));
        if (version.ExternallyTrained)
            findings.Add(("validation issue", "medium", "Trained outside the portal: the training run cannot be reproduced here.", owner, "before the next promotion"));
        if (findings.Count == 0) pdf.Paragraph("No limitation is recorded and no finding is open.", muted: true);
        else
            pdf.Table([new("Type", 1.1), new("Severity", 0.8), new("Finding", 2.8), new("Owner", 1.7), new("Due", 1)],
                findings.Select(f => (IReadOnlyList<string>)[f.Type, f.Severity, f.Finding, f.Owner, f.Due]), alert: i => findings[i].Severity is "high" or "critical");
        pdf.Paragraph("Due dates: validation issues and open drift alerts 30 days after they were found, policy exceptions 90 days after the override.", muted: true);
    }

    private async Task MonitoringAsync(PdfReport pdf, Model model, CancellationToken ct)
    {
        pdf.Heading("12. Monitoring plan");
        var p = model.DriftPolicy;
        pdf.KeyValues([("Drift policy", $"the dataset drifts when at least {p.DriftedShareThreshold:P0} of the judged columns drift; at least {p.MinCurrentRows:N0} current rows"),
            ("Column overrides", p.Overrides.Count == 0 ? "none" : string.Join("; ", p.Overrides.Select(o => $"{o.Column}: {o.Test} {o.Threshold}")))]);
        var id = model.Id.ToString();
        var schedules = await db.JobSchedules.AsNoTracking().Where(s => s.SubjectId == id || s.SubjectId == model.Slug).OrderBy(s => s.Name).ToListAsync(ct);
        if (schedules.Count == 0) pdf.Paragraph("No schedule runs for this model (drift reports start daily once a version is in Production).", muted: true);
        else
            pdf.Table([new("Schedule", 2), new("Job", 1.2), new("Cron (" + "time zone)", 1.6), new("State", 0.8)],
                schedules.Select(s => (IReadOnlyList<string>)[s.Name, kinds.DisplayName(s.Kind),
                    $"{s.CronExpression} ({s.TimeZoneId})", s.Paused ? "paused" : "active"]));
    }

    private void IndependentReview(PdfReport pdf, ModelVersion version, TrainingRun? run, List<SignOff> signOffs, List<ApprovalRequest> requests)
    {
        pdf.Heading("13. Statement of independent review");
        var developer = Approvals.RequestSteps.ResponsiblePerson(version.TrainedBy) ?? version.TrainedBy;
        var approvers = signOffs.Where(s => s.Approved).Select(s => $"{Who(s.UserName)} ({DisplayNames.Role(s.Role)})").Distinct().ToList();
        pdf.KeyValues([("Developed by", $"{Who(developer)}{(run is null ? "" : $" (run requested by {Who(run.RequestedBy)})")}"),
            ("Validated and approved by", approvers.Count == 0 ? "nobody yet" : string.Join(", ", approvers))]);
        var self = signOffs.Where(s => s.Approved && string.Equals(s.UserName, developer, StringComparison.OrdinalIgnoreCase)).ToList();
        if (approvers.Count == 0)
            pdf.Paragraph("No independent validation or approval has been recorded for this version yet.", alert: true);
        else if (self.Count == 0)
            pdf.Paragraph("The people who validated and approved this version differ from the person who developed it: the portal refuses a sign-off by the "
                          + "requester or by whoever trained the version (segregation of duties), and every sign-off required a fresh password or authenticator step-up.");
        else
            pdf.Paragraph($"WARNING: {string.Join(", ", self.Select(s => Who(s.UserName)))} both developed and approved this version.", bold: true, alert: true);
        if (requests.Any(r => r.GateOverrideBy is not null))
            pdf.Paragraph("At least one request went ahead with failed gates under an administrator's override (section 9).", alert: true);
    }

    private static void RegulatoryMapping(PdfReport pdf)
    {
        pdf.Heading("14. Regulatory mapping");
        pdf.Paragraph("Where each item of the EU AI Act's Annex IV technical documentation and of the US interagency model-risk guidance (SR 26-2, which replaced "
                      + "SR 11-7 in April 2026) is answered in this report. What the portal cannot know is marked \"to be supplied by the owner\".", muted: true);
        const string owner = "to be supplied by the owner";
        pdf.Table([new("Framework", 1.25), new("Item", 3), new("Where in this report", 2)],
        [
            ["EU AI Act Annex IV", "1. General description: intended purpose, provider, version, interaction with hardware/software", "1 Model card; cover; " + owner + " (provider, hardware)"],
            ["EU AI Act Annex IV", "2(a) Methods and steps of development, use of pre-trained systems", "4 Training run; 2 Lineage"],
            ["EU AI Act Annex IV", "2(b) Design specifications, general logic, key design choices", "1 Model card; 4 Hyperparameters; " + owner + " (rationale)"],
            ["EU AI Act Annex IV", "2(d) Data requirements: datasheets, provenance, labelling, cleaning", "3 Training data (hashes, schema); " + owner + " (collection, labelling)"],
            ["EU AI Act Annex IV", "2(e) Human oversight measures", "9 Promotion requests; 13 Independent review"],
            ["EU AI Act Annex IV", "2(g) Validation and testing: metrics, test logs, accuracy, robustness", "5 Evaluation; 6 Champion versus challenger"],
            ["EU AI Act Annex IV", "2(g) Discriminatory impacts", "7 Fairness audit"],
            ["EU AI Act Annex IV", "3. Monitoring, functioning and control; foreseeable unintended outcomes", "11 Limitations and findings; 12 Monitoring plan"],
            ["EU AI Act Annex IV", "4. Appropriateness of the performance metrics", "1 Acceptance criteria; " + owner + " (justification)"],
            ["EU AI Act Annex IV", "5. Risk management system (Article 9)", "Risk tier on the cover; 11 Findings; " + owner + " (risk register)"],
            ["EU AI Act Annex IV", "6. Relevant changes through the lifecycle", "10 Stage history; 15 Audit trail"],
            ["EU AI Act Annex IV", "7. Harmonised standards applied", owner],
            ["EU AI Act Annex IV", "8. EU declaration of conformity", owner],
            ["EU AI Act Annex IV", "9. Post-market monitoring plan (Article 72)", "12 Monitoring plan; 8 Drift history"],
            ["SR 26-2", "Model development, implementation and use (purpose, data, methodology)", "1 Model card; 3 Training data; 4 Training run"],
            ["SR 26-2", "Model validation: conceptual soundness", "5 Evaluation; " + owner + " (theory and assumptions)"],
            ["SR 26-2", "Model validation: ongoing monitoring and outcomes analysis", "8 Drift history; 12 Monitoring plan"],
            ["SR 26-2", "Effective challenge and independence of validation", "13 Independent review; 9 Sign-offs"],
            ["SR 26-2", "Governance, policies and controls; model inventory", "Cover (owners, risk tier); 9 Approval policy gates"],
            ["SR 26-2", "Documentation and audit trail", "15 Audit trail; appendix"],
            ["SR 26-2", "Limitations, overrides and compensating controls", "11 Findings; 9 Overrides (in red)"],
        ]);
    }

    private async Task AuditTrailAsync(PdfReport pdf, Context context, ModelVersion version, TrainingRun? run, ModelEvaluation? evaluation, FairnessAuditRecord? audit,
        List<ApprovalRequest> requests, List<DriftReportRecord> drift, List<DriftAlert> alerts, CancellationToken ct)
    {
        pdf.Heading("15. Audit trail verification");
        var v = context.Verification;
        pdf.Paragraph(v.Intact
            ? $"The whole audit chain verified intact when this report was drawn: {v.EventsChecked:N0} events, head #{v.Head.Sequence}. Every event listed in the appendix is part of that chain."
            : $"THE AUDIT CHAIN IS BROKEN at event #{v.FirstBrokenSequence}: {v.Problem}. The events below cannot be trusted until this is explained.",
            bold: !v.Intact, alert: !v.Intact);
        var ids = new List<string> { version.Id.ToString(), version.ModelId.ToString() };
        if (run is not null) ids.Add(run.Id.ToString());
        if (evaluation is not null) ids.Add(evaluation.Id.ToString());
        if (audit is not null) ids.Add(audit.Id.ToString());
        ids.AddRange(requests.Select(r => r.Id));
        ids.AddRange(drift.Select(d => d.Id.ToString()));
        ids.AddRange(alerts.Select(a => a.Id.ToString()));
        var events = new List<AuditEvent>();
        foreach (var chunk in ids.Chunk(500))
            events.AddRange(await db.AuditEvents.AsNoTracking().Where(e => chunk.Contains(e.EntityId)).ToListAsync(ct));
        events = events.OrderBy(e => e.Sequence).ToList();
        var recomputed = events.Count(e => AuditChain.ComputeHash(e) == e.Hash);
        pdf.KeyValues([("Events about this version", events.Count.ToString("N0", Inv)), ("Their hashes recomputed", $"{recomputed:N0} of {events.Count:N0} match")]);

        pdf.Heading("Appendix: audit events about this version");
        var said = await sentences.SentencesAsync(events, ct);
        pdf.Table([new("#", 0.5, true), new("Time (UTC)", 1.1), new("What happened", 3.2), new("Action", 1.6), new("Hash", 1)],
            events.Select(e => (IReadOnlyList<string>)[e.Sequence.ToString(Inv), e.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss", Inv), said[e.Sequence], e.Action, e.Hash[..10]]),
            small: true);
    }

    private static string Or(string? text) => string.IsNullOrWhiteSpace(text) ? "—" : text.Trim();

    private static string Stage(VersionStage stage) => stage == VersionStage.None ? "no stage" : stage.ToString();

    private static string Comparator(string comparator) => comparator switch
    {
        ">=" => "at least", ">" => "more than", "<=" => "at most", "<" => "less than", _ => comparator,
    };

    /// <summary>Resolves, with one query per kind, every person, job and entity the report names.</summary>
    private async Task NamesAsync(Model model, ModelVersion version, TrainingRun? run, ModelEvaluation? evaluation, FairnessAuditRecord? audit,
        List<ApprovalRequest> requests, List<SignOff> signOffs, List<StageChange> changes, List<DriftAlert> alerts, Context context, CancellationToken ct)
    {
        var who = new List<string?> { version.TrainedBy, run?.RequestedBy, evaluation?.RequestedBy, audit?.RequestedBy, context.GeneratedBy,
            Approvals.RequestSteps.ResponsiblePerson(version.TrainedBy) };
        who.AddRange(model.Owners);
        who.AddRange(requests.SelectMany(r => new[] { r.RequestedBy, r.DecidedBy, r.GateOverrideBy }));
        who.AddRange(signOffs.SelectMany(s => new[] { s.UserName, s.OnBehalfOfUserName }));
        who.AddRange(changes.SelectMany(c => c.SignedBy).Select(s => s.Split(" (")[0]));
        who.AddRange(alerts.SelectMany(a => new[] { a.ClosedBy, a.AssignedTo }));
        var dataIds = new[] { version.TrainingDatasetVersionId, run?.DatasetVersionId }.OfType<Guid>().ToList();
        var dataAddedBy = await db.DatasetVersions.AsNoTracking().Where(v => dataIds.Contains(v.Id)).Select(v => v.AddedBy).ToListAsync(ct);
        who.AddRange(dataAddedBy);
        _actors = await actorNames.DescribeAsync(who.OfType<string>().Where(w => w.Length > 0).Select(Key).Distinct(), ct);
        _entities = await lineage.NameAsync(requests.SelectMany(r => r.Gates).Where(g => g.EvidenceKind is not null && g.EvidenceId is not null)
            .Select(g => (g.EvidenceKind!, g.EvidenceId!)), ct);
    }

    /// <summary>An actor string as ActorNameService reads it: a bare user name is a person.</summary>
    private static string Key(string actor) => actor.Contains(':') ? actor : $"user:{actor}";

    /// <summary>A person or a job in words ("Dana Stakeholder", "Scheduled job: Retrain credit-risk").</summary>
    private string Who(string? actor) => actor is null or "" ? "—" : _actors.TryGetValue(Key(actor), out var d) ? d.Text : actor;

    private string People(IEnumerable<string> userNames) => string.Join(", ", userNames.Select(Who));

    /// <summary>"dana@x.test (Business stakeholder)" → "Dana Stakeholder (Business stakeholder)".</summary>
    private string Signer(string signedBy) => signedBy.IndexOf(" (", StringComparison.Ordinal) is var at and > 0 ? Who(signedBy[..at]) + signedBy[at..] : Who(signedBy);

    /// <summary>Stored text (a gate's details) with its "user:NAME" actors in words.</summary>
    private string Named(string text) => UserActor().Replace(text, m => Who(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"user:[^\s;,()]+[^\s;,().]")]
    private static partial System.Text.RegularExpressions.Regex UserActor();

    /// <summary>A gate's evidence by name (" [Evaluation of credit-risk v3]"), never by id.</summary>
    private string Evidence(GateResult g) =>
        g.EvidenceKind is null || g.EvidenceId is null ? ""
        : _entities.TryGetValue($"{g.EvidenceKind}:{g.EvidenceId}", out var n) && n.Url is not null ? $" [{n.Name}]"
        : $" [{DisplayNames.Words(g.EvidenceKind).ToLowerInvariant()}, no longer in the registry]";
}
