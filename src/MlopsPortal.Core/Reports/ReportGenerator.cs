using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Core.Reports;

/// <summary>
/// Draws a report, signs it with the portal's certificate and stores the signed file by its SHA-256 (<see cref="DrawAsync"/>);
/// <see cref="Archive"/> then records it (archive row, audit event, lineage from the version) in the caller's transaction.
/// The job and the command line share both steps.
/// </summary>
public sealed class ReportGenerator(IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store, ReportSigning signing, LineageService lineage,
    ActorNameService actorNames, AuditSentenceService sentences, JobKinds kinds)
{
    public async Task<DrawnReport> DrawAsync(Guid reportId, ReportPayload payload, string generatedBy, Action<double, string>? progress, CancellationToken ct)
    {
        var generatedAt = DateTime.UtcNow;
        progress?.Invoke(0.05, "reading the audit chain");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (head, anchor, verification) = await ReportService.ChainAsync(db, ct);
        var context = new ModelAuditReport.Context(reportId, generatedBy, generatedAt, head, anchor, verification);
        progress?.Invoke(0.3, "drawing");
        PdfReport pdf;
        string title;
        Guid? modelId = null;
        switch (payload.Kind)
        {
            case ReportKinds.ModelAudit when payload.ModelVersionId is { } versionId:
                pdf = await new ModelAuditReport(db, lineage, actorNames, sentences, kinds).WriteAsync(versionId, context, ct);
                var v = await db.ModelVersions.AsNoTracking().Where(x => x.Id == versionId).Join(db.Models, x => x.ModelId, m => m.Id, (x, m) => new { m.Id, m.Slug, x.Number })
                    .SingleAsync(ct);
                modelId = v.Id;
                title = $"Model audit report: {v.Slug} v{v.Number}";
                break;
            case ReportKinds.Period when payload.From is { } from && payload.To is { } to:
                (pdf, _) = await new PeriodReport(db, actorNames).WriteAsync(from, to, context, ct);
                title = $"Period report {from:yyyy-MM-dd} to {to.AddTicks(-1):yyyy-MM-dd}";
                break;
            default:
                throw new PortalValidationException($"A report needs a model version (model-audit) or a period (period); this one asked for '{payload.Kind}'.");
        }
        progress?.Invoke(0.8, "signing and storing");
        var certificate = await signing.CertificateAsync(ct);
        var bytes = pdf.Finish(new ReportSigner(certificate, title, "MLOps Governance Portal", generatedBy));
        var blob = await store.PutAsync(new MemoryStream(bytes), ct: ct);
        return new DrawnReport(reportId, payload, title, modelId, pdf.PageCount, blob, head, PdfSignature.Fingerprint(certificate), generatedBy, generatedAt);
    }

    public static ComplianceReport Archive(PortalDbContext db, DrawnReport drawn, string actor)
    {
        var report = new ComplianceReport
        {
            Id = drawn.Id, Kind = drawn.Payload.Kind, Title = drawn.Title, ModelId = drawn.ModelId, ModelVersionId = drawn.Payload.ModelVersionId,
            PeriodFrom = drawn.Payload.From, PeriodTo = drawn.Payload.To, Sha256 = drawn.Blob.Sha256, SizeBytes = drawn.Blob.Length, Pages = drawn.Pages,
            ChainSequence = drawn.Head.Sequence, ChainHash = drawn.Head.Hash, CertificateFingerprint = drawn.CertificateFingerprint, GeneratedBy = drawn.GeneratedBy,
            GeneratedAt = drawn.GeneratedAt,
        };
        db.ComplianceReports.Add(report);
        if (drawn.Payload.ModelVersionId is { } mv)
            db.AddLineage(EntityKinds.ModelVersion, mv.ToString(), EntityKinds.Report, drawn.Id.ToString(), "reported");
        db.Audit(actor, "report.generated", EntityKinds.Report, drawn.Id.ToString(), new
        {
            kind = drawn.Payload.Kind, title = drawn.Title, sha256 = drawn.Blob.Sha256, pages = drawn.Pages, modelVersion = drawn.Payload.ModelVersionId?.ToString(),
            from = drawn.Payload.From, to = drawn.Payload.To, chainHead = drawn.Head.Sequence, certificate = drawn.CertificateFingerprint, requestedBy = drawn.GeneratedBy,
        });
        return report;
    }
}
