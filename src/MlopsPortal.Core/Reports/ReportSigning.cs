using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using MlopsPortal.Core.Data;
using MlopsPortal.Engine.Reports;

namespace MlopsPortal.Core.Reports;

/// <summary>
/// The certificate that signs reports. <c>Reports:CertificatePath</c> (+ <c>Reports:CertificatePassword</c>) names a
/// PKCS#12 file a deployment provides; otherwise the first start creates a self-signed RSA-3072 certificate, stored in the
/// database protected by the data-protection keys (so every node of a cluster signs with the same one) and audited.
/// </summary>
public sealed class ReportSigning(IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider protection, IConfiguration configuration)
{
    private const int KeyId = 1;
    private readonly IDataProtector _protector = protection.CreateProtector("MlopsPortal.Reports.Signing.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private X509Certificate2? _certificate;

    public async Task<X509Certificate2> CertificateAsync(CancellationToken ct = default)
    {
        if (_certificate is not null) return _certificate;
        await _gate.WaitAsync(ct);
        try
        {
            return _certificate ??= await LoadOrCreateAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string> FingerprintAsync(CancellationToken ct = default) => PdfSignature.Fingerprint(await CertificateAsync(ct));

    private async Task<X509Certificate2> LoadOrCreateAsync(CancellationToken ct)
    {
        if (configuration["Reports:CertificatePath"] is { Length: > 0 } path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Reports:CertificatePath names {path}, which does not exist.");
            var configured = X509CertificateLoader.LoadPkcs12FromFile(path, configuration["Reports:CertificatePassword"], X509KeyStorageFlags.Exportable);
            if (!configured.HasPrivateKey) throw new InvalidOperationException($"The certificate in {path} has no private key, so it cannot sign reports.");
            return configured;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ReportSigningKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == KeyId, ct) is { } stored)
            return X509CertificateLoader.LoadPkcs12(_protector.Unprotect(Convert.FromBase64String(stored.ProtectedPkcs12)), null, X509KeyStorageFlags.Exportable);

        var created = ReportCertificates.CreateSelfSigned($"CN=MLOps Governance Portal report signing ({Environment.MachineName})");
        var key = new ReportSigningKey
        {
            Id = KeyId, Subject = created.Subject, Fingerprint = PdfSignature.Fingerprint(created), NotBefore = created.NotBefore.ToUniversalTime(),
            NotAfter = created.NotAfter.ToUniversalTime(), Source = "self-signed", CreatedAt = DateTime.UtcNow,
            ProtectedPkcs12 = Convert.ToBase64String(_protector.Protect(created.Export(X509ContentType.Pkcs12))),
        };
        db.ReportSigningKeys.Add(key);
        db.Audit("system:portal", "report-certificate.created", "report-certificate", key.Fingerprint, new { subject = key.Subject, notAfter = key.NotAfter });
        try
        {
            await db.SaveChangesAsync(ct);
            return created;
        }
        catch (DbUpdateException)
        {
            // Another node created it first: use theirs.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            var theirs = await again.ReportSigningKeys.AsNoTracking().SingleAsync(k => k.Id == KeyId, ct);
            return X509CertificateLoader.LoadPkcs12(_protector.Unprotect(Convert.FromBase64String(theirs.ProtectedPkcs12)), null, X509KeyStorageFlags.Exportable);
        }
    }
}
