using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Core.Reports;

/// <summary>The generation job's data: a model audit report of a version, or a period report.</summary>
public sealed record ReportPayload(string Kind, Guid? ModelVersionId = null, DateTime? From = null, DateTime? To = null) : JobPayload;

/// <summary>What <c>report verify</c> found about a file.</summary>
public sealed record ReportVerification(bool Issued, bool Unchanged, bool SignatureValid, Guid? ReportId, string Sha256, string Message, string? Title = null);

/// <summary>
/// Compliance reports: ComplianceOfficers generate them as jobs; ComplianceOfficers, Auditors and Administrators list,
/// download and verify the archive. Every report is a new row and a new file (regenerating keeps the old one).
/// </summary>
public sealed class ReportService(IDbContextFactory<PortalDbContext> dbFactory, JobService jobs, IArtifactStore store, ReportSigning signing)
{
    public static readonly string[] GenerateRoles = [Roles.ComplianceOfficer];
    public static readonly string[] ReadRoles = [Roles.ComplianceOfficer, Roles.Auditor, Roles.Administrator];
    /// <summary>A period report covers at most this long (the tables list every event in it).</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public async Task<JobRun> StartModelAuditAsync(Actor actor, Guid versionId, CancellationToken ct = default)
    {
        actor.Require(GenerateRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().Where(v => v.Id == versionId)
                          .Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => new { m.Slug, v.Number }).SingleOrDefaultAsync(ct)
                      ?? throw new PortalNotFoundException($"No model version {versionId}.");
        return await jobs.EnqueueAsync(actor, new JobRequest(GenerateReportJob.Kind, new ReportPayload(ReportKinds.ModelAudit, versionId),
            $"Model audit report of {version.Slug} v{version.Number}"), ct);
    }

    public async Task<JobRun> StartPeriodAsync(Actor actor, DateTime from, DateTime to, CancellationToken ct = default)
    {
        actor.Require(GenerateRoles);
        from = DateTime.SpecifyKind(from, DateTimeKind.Utc);
        to = DateTime.SpecifyKind(to, DateTimeKind.Utc);
        if (to <= from) throw new PortalValidationException($"The period must end after it starts ({from:yyyy-MM-dd} to {to:yyyy-MM-dd}).");
        if (to - from > MaxPeriod) throw new PortalValidationException($"A period report covers at most {MaxPeriod.TotalDays:0} days; split the range.");
        return await jobs.EnqueueAsync(actor, new JobRequest(GenerateReportJob.Kind, new ReportPayload(ReportKinds.Period, From: from, To: to),
            $"Period report {from:yyyy-MM-dd} to {to.AddTicks(-1):yyyy-MM-dd}"), ct);
    }

    public async Task<IReadOnlyList<ComplianceReport>> ListAsync(Actor actor, Guid? modelVersionId = null, int take = 200, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ComplianceReports.AsNoTracking();
        if (modelVersionId is { } v) query = query.Where(r => r.ModelVersionId == v);
        return await query.OrderByDescending(r => r.GeneratedAt).Take(take).ToListAsync(ct);
    }

    public async Task<ComplianceReport> GetAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ComplianceReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new PortalNotFoundException($"No report {id}.");
    }

    /// <summary>The signed PDF as it was archived.</summary>
    public async Task<(ComplianceReport Report, Stream Pdf)> OpenAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        var report = await GetAsync(actor, id, ct);
        return (report, store.OpenRead(report.Sha256));
    }

    public async Task<string> CertificateFingerprintAsync(CancellationToken ct = default) => await signing.FingerprintAsync(ct);

    /// <summary>Model versions to report on, newest first, as "slug vN (stage)".</summary>
    public async Task<IReadOnlyList<(Guid Id, string Label)>> VersionChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ModelVersions.AsNoTracking().Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => new { v.Id, m.Slug, v.Number, v.Stage, v.CreatedAt })
            .OrderByDescending(v => v.CreatedAt).Take(500).ToListAsync(ct);
        return rows.Select(r => (r.Id, $"{r.Slug} v{r.Number} ({(r.Stage == ModelRegistry.VersionStage.None ? "no stage" : r.Stage.ToString())})")).ToList();
    }

    /// <summary>
    /// Whether a PDF is one the portal issued and unchanged: its SHA-256 is in the archive, and its embedded signature is
    /// valid, covers the whole file and was made with the portal's certificate.
    /// </summary>
    public async Task<ReportVerification> VerifyAsync(Actor actor, byte[] pdf, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        if (pdf.Length < 5 || !pdf.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
            throw new PortalValidationException("The file is not a PDF.");
        var sha = Sha256Hex.Of(pdf);
        var signature = PdfSignature.Check(pdf);
        var fingerprint = await signing.FingerprintAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archived = await db.ComplianceReports.AsNoTracking().Where(r => r.Sha256 == sha).FirstOrDefaultAsync(ct);
        var ours = signature.SignerThumbprint is { } t && string.Equals(t.Replace(":", ""), fingerprint.Replace(":", ""), StringComparison.OrdinalIgnoreCase);
        if (archived is not null && signature.Valid && signature.CoversWholeFile)
            return new(true, true, true, archived.Id, sha, $"Issued by the portal and unchanged: report {archived.Id}, \"{archived.Title}\", generated {archived.GeneratedAt:yyyy-MM-dd HH:mm} UTC by {archived.GeneratedBy}.",
                archived.Title);
        if (!signature.Signed)
            return new(false, false, false, null, sha, "Not issued by the portal: the file carries no signature and its SHA-256 is not in the archive.");
        if (!signature.Valid)
            return new(false, false, false, null, sha, $"Changed after signing: {signature.Message}");
        if (!signature.CoversWholeFile)
            return new(false, false, true, null, sha, "Changed after signing: bytes were added after the signature.");
        return new(false, false, true, null, sha, ours
            ? "Signed with the portal's certificate, but this file's SHA-256 is not in the archive (the archive or the file has been altered)."
            : $"Not issued by this portal: signed by {signature.SignerSubject}, not by the portal's certificate.");
    }

    /// <summary>The chain head, the latest anchor and a full verification, for a report's cover and audit section.</summary>
    internal static async Task<(ChainHead Head, AuditAnchor? Anchor, VerificationResult Verification)> ChainAsync(PortalDbContext db, CancellationToken ct)
    {
        var trail = new AuditTrailService(db);
        var system = Actor.Job("report-generation");
        var verification = await trail.VerifyAsync(system, ct: ct);
        var anchor = await db.AuditAnchors.AsNoTracking().OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(ct);
        return (verification.Head, anchor, verification);
    }
}

/// <summary>A drawn, signed and stored report, not yet in the archive.</summary>
public sealed record DrawnReport(Guid Id, ReportPayload Payload, string Title, Guid? ModelId, int Pages, ArtifactRef Blob, ChainHead Head, string CertificateFingerprint,
    string GeneratedBy, DateTime GeneratedAt);
