using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Core.Reports;

/// <summary>The operational figures of a period, as the period report prints them (null where nothing happened to measure).</summary>
public sealed record PeriodMetrics(int Promotions, int Rejections, int Rollbacks, int Overrides, int Alerts, double DeploymentsPerWeek,
    TimeSpan? MeanTimeToDetect, TimeSpan? RetrainingLeadTime, TimeSpan? MeanTimeToRollBack);

/// <summary>
/// Everything that changed the portfolio's governance state in [from, to): promotions, rejections, rollbacks, overrides and
/// drift alerts, with totals and the operational metrics of capability 13.
/// </summary>
internal sealed class PeriodReport(PortalDbContext db, AuditReading.ActorNameService actorNames)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string Time(DateTime? t) => t is { } x ? x.ToString("yyyy-MM-dd HH:mm", Inv) : "—";

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "nothing to measure",
        { TotalMinutes: < 120 } s => $"{s.TotalMinutes:0} min",
        { TotalHours: < 72 } s => $"{s.TotalHours:0.0} h",
        var s => $"{s.Value.TotalDays:0.0} days",
    };

    public async Task<(PdfReport Pdf, PeriodMetrics Metrics)> WriteAsync(DateTime from, DateTime to, ModelAuditReport.Context context, CancellationToken ct)
    {
        var title = $"Period report {from:yyyy-MM-dd} to {to.AddTicks(-1):yyyy-MM-dd}";
        var pdf = new PdfReport(title, $"{title} · report {context.ReportId}");
        var slugs = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Slug, ct);
        string Slug(Guid? id) => id is { } g && slugs.TryGetValue(g, out var s) ? s : "—";

        var changes = await db.StageChanges.AsNoTracking().Where(c => c.ChangedAt >= from && c.ChangedAt < to).OrderBy(c => c.ChangedAt).ToListAsync(ct);
        var promotions = changes.Where(c => c.Reason == ApprovalKinds.Promotion).ToList();
        var rollbacks = changes.Where(c => c.Reason is ApprovalKinds.Rollback or "automatic-rollback").ToList();
        var rejected = await db.ApprovalRequests.AsNoTracking().Where(r => r.Status == ApprovalStatus.Rejected && r.DecidedAt >= from && r.DecidedAt < to)
            .OrderBy(r => r.DecidedAt).ToListAsync(ct);
        var overrides = await db.ApprovalRequests.AsNoTracking().Where(r => r.GateOverrideAt >= from && r.GateOverrideAt < to).OrderBy(r => r.GateOverrideAt).ToListAsync(ct);
        var alerts = await db.DriftAlerts.AsNoTracking().Where(a => a.RaisedAt >= from && a.RaisedAt < to).OrderBy(a => a.RaisedAt).ToListAsync(ct);

        // People and jobs by name, requests by what they asked: never a user key or a request id.
        var actors = await actorNames.DescribeAsync(changes.SelectMany(c => c.SignedBy).Select(x => x.Split(" (")[0])
            .Concat(rejected.Select(r => r.DecidedBy)).Concat(overrides.Select(r => r.GateOverrideBy)).Append(context.GeneratedBy)
            .OfType<string>().Select(a => a.Contains(':') ? a : $"user:{a}").Distinct(), ct);
        string Who(string? actor) => actor is null or "" ? "—" : actors.TryGetValue(actor.Contains(':') ? actor : $"user:{actor}", out var d) ? d.Text : actor;
        string Signers(List<string> signedBy) => string.Join("; ", signedBy.Select(x => x.IndexOf(" (", StringComparison.Ordinal) is var at and > 0 ? Who(x[..at]) + x[at..] : Who(x)));
        var changeRequests = changes.Select(c => c.RequestId).OfType<string>().ToList();
        var summaries = await db.ApprovalRequests.AsNoTracking().Where(r => changeRequests.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Summary, ct);
        string Request(string? id) => id is null ? "—" : summaries.GetValueOrDefault(id, "a request");
        static string Stage(VersionStage stage) => stage == VersionStage.None ? "no stage" : stage.ToString();

        var toProduction = promotions.Where(p => p.To == VersionStage.Production).ToList();
        var weeks = Math.Max(1.0 / 7, (to - from).TotalDays / 7);
        TimeSpan? Mean(IEnumerable<TimeSpan> spans) => spans.ToList() is { Count: > 0 } list ? TimeSpan.FromTicks((long)list.Average(s => s.Ticks)) : null;
        var detect = Mean(alerts.Select(a => a.RaisedAt - a.DataArrivedAt));
        // Retraining lead time: from the alert that started a retraining to its version reaching Production.
        var retrained = alerts.Where(a => a.RetrainingRunId is not null).Select(a => (a.RaisedAt, Run: a.RetrainingRunId!.Value)).ToList();
        var lead = new List<TimeSpan>();
        foreach (var (raised, runId) in retrained)
        {
            var versionId = await db.ModelVersions.Where(v => v.TrainingRunId == runId).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(ct);
            var promoted = versionId is null ? null
                : await db.StageChanges.Where(c => c.ModelVersionId == versionId && c.To == VersionStage.Production).Select(c => (DateTime?)c.ChangedAt).FirstOrDefaultAsync(ct);
            if (promoted is { } p) lead.Add(p - raised);
        }
        var rollbackRequests = rollbacks.Where(r => r.RequestId is not null).Select(r => r.RequestId!).ToList();
        var requestedAt = await db.ApprovalRequests.AsNoTracking().Where(r => rollbackRequests.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.RequestedAt, ct);
        var rollbackTimes = rollbacks.Where(r => r.RequestId is not null && requestedAt.ContainsKey(r.RequestId)).Select(r => r.ChangedAt - requestedAt[r.RequestId!]);
        var metrics = new PeriodMetrics(promotions.Count, rejected.Count, rollbacks.Count, overrides.Count, alerts.Count, toProduction.Count / weeks,
            detect, Mean(lead), Mean(rollbackTimes));

        pdf.Cover(title, $"Governance activity across every model from {from:yyyy-MM-dd HH:mm} to {to:yyyy-MM-dd HH:mm} UTC (end excluded).",
        [
            ("Report id", context.ReportId.ToString()), ("Generated", $"{context.GeneratedAt:yyyy-MM-dd HH:mm} UTC by {Who(context.GeneratedBy)}"),
            ("Audit chain head", $"#{context.Head.Sequence}"), ("Chain head hash", context.Head.Hash),
            ("Chain verified", context.Verification.Intact ? $"intact ({context.Verification.EventsChecked:N0} events)" : $"BROKEN at #{context.Verification.FirstBrokenSequence}"),
        ], "Signed with the portal's certificate; `report verify FILE` checks a copy.");

        pdf.Heading("1. Totals and operational metrics");
        pdf.Table([new("Figure", 2), new("Value", 1.5, true), new("How it is measured", 2.8)],
        [
            ["Promotions", metrics.Promotions.ToString(Inv), "stage changes made by an approved promotion request"],
            ["Rejections", metrics.Rejections.ToString(Inv), "requests rejected by a signer"],
            ["Rollbacks", metrics.Rollbacks.ToString(Inv), "stage changes made by a rollback (requested or automatic)"],
            ["Gate overrides", metrics.Overrides.ToString(Inv), "requests whose failed gates an administrator overrode"],
            ["Drift alerts", metrics.Alerts.ToString(Inv), "alerts raised"],
            ["Deployment frequency", $"{metrics.DeploymentsPerWeek:0.##} per week", "promotions to Production per week of the period"],
            ["Mean time to detect drift", Duration(metrics.MeanTimeToDetect), "data arrival to alert, alerts raised in the period"],
            ["Retraining lead time", Duration(metrics.RetrainingLeadTime), "alert to its retrained version in Production"],
            ["Mean time to roll back", Duration(metrics.MeanTimeToRollBack), "rollback requested to rollback done"],
        ], alert: i => i == 3 && metrics.Overrides > 0);

        pdf.Heading("2. Promotions");
        if (promotions.Count == 0) pdf.Paragraph("None in this period.", muted: true);
        else
            pdf.Table([new("When (UTC)", 1.2), new("Model", 1.4), new("Version", 0.6, true), new("Change", 1.3), new("Request", 1.3), new("Signed by", 2.2)],
                promotions.Select(c => (IReadOnlyList<string>)[Time(c.ChangedAt), Slug(c.ModelId), c.VersionNumber.ToString(Inv), $"{Stage(c.From)} → {Stage(c.To)}", Request(c.RequestId),
                    Signers(c.SignedBy)]), small: true);

        pdf.Heading("3. Rejections");
        if (rejected.Count == 0) pdf.Paragraph("None in this period.", muted: true);
        else
            pdf.Table([new("Decided (UTC)", 1.2), new("Model", 1.3), new("Request", 2.2), new("Decided by", 1.3), new("Comment", 2.2)],
                rejected.Select(r => (IReadOnlyList<string>)[Time(r.DecidedAt), Slug(r.ModelId), r.Summary, Who(r.DecidedBy), r.DecisionComment ?? "—"]), small: true);

        pdf.Heading("4. Rollbacks");
        if (rollbacks.Count == 0) pdf.Paragraph("None in this period.", muted: true);
        else
            pdf.Table([new("When (UTC)", 1.2), new("Model", 1.4), new("Version", 0.6, true), new("Change", 1.3), new("Why", 1), new("Signed by", 2.2)],
                rollbacks.Select(c => (IReadOnlyList<string>)[Time(c.ChangedAt), Slug(c.ModelId), c.VersionNumber.ToString(Inv), $"{Stage(c.From)} → {Stage(c.To)}",
                    Display.DisplayNames.Words(c.Reason), Signers(c.SignedBy)]), small: true);

        pdf.Heading("5. Overrides");
        if (overrides.Count == 0) pdf.Paragraph("No gate was overridden in this period.", muted: true);
        else
            pdf.Table([new("When (UTC)", 1.2), new("Model", 1.3), new("Request", 2), new("By", 1.3), new("Reason", 2.4)],
                overrides.Select(r => (IReadOnlyList<string>)[Time(r.GateOverrideAt), Slug(r.ModelId), r.Summary, Who(r.GateOverrideBy), r.GateOverrideReason ?? "—"]),
                alert: _ => true, small: true);

        pdf.Heading("6. Drift alerts");
        if (alerts.Count == 0) pdf.Paragraph("No drift alert was raised in this period.", muted: true);
        else
            pdf.Table([new("Raised (UTC)", 1.2), new("Model", 1.3), new("Cause", 1.2), new("Severity", 0.8), new("Status", 0.9), new("Detected after", 1), new("Resolution", 2)],
                alerts.Select(a => (IReadOnlyList<string>)[Time(a.RaisedAt), Slug(a.ModelId), Display.DisplayNames.Words(a.Cause), a.Severity.ToString(), a.Status.ToString(),
                    Duration(a.RaisedAt - a.DataArrivedAt), a.Resolution ?? (a.IsOpen ? "open" : "—")]), alert: i => alerts[i].IsOpen, small: true);
        return (pdf, metrics);
    }
}
