using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Reports;

public static class ReportKinds
{
    public const string ModelAudit = "model-audit";
    public const string Period = "period";
}

/// <summary>
/// One issued report in the archive: the signed PDF lives in the artifact store under <see cref="Sha256"/> (the hash of
/// the signed file, which is what <c>report verify</c> compares). Never updated: regenerating makes a new row.
/// </summary>
public sealed class ComplianceReport
{
    /// <summary>The report id printed on the cover (the generating job's id).</summary>
    public Guid Id { get; set; }
    public string Kind { get; set; } = ReportKinds.ModelAudit;
    public string Title { get; set; } = "";
    public Guid? ModelId { get; set; }
    public Guid? ModelVersionId { get; set; }
    public DateTime? PeriodFrom { get; set; }
    public DateTime? PeriodTo { get; set; }
    public string Sha256 { get; set; } = "";
    public long SizeBytes { get; set; }
    public int Pages { get; set; }
    /// <summary>The audit chain's head when the report was drawn (contracts §3), printed on the cover.</summary>
    public long ChainSequence { get; set; }
    public string ChainHash { get; set; } = "";
    /// <summary>SHA-256 fingerprint of the certificate that signed it.</summary>
    public string CertificateFingerprint { get; set; } = "";
    public string GeneratedBy { get; set; } = "";
    public DateTime GeneratedAt { get; set; }

    /// <summary>
    /// The download's name, what it is and when: "credit-risk-v3-model-audit-2026-12-07.pdf",
    /// "period-report-2026-11-01-to-2026-11-30-2026-12-07.pdf".
    /// </summary>
    public string FileName
    {
        get
        {
            var subject = Kind == ReportKinds.ModelAudit
                ? $"{(Title.Contains(": ") ? Title[(Title.IndexOf(": ", StringComparison.Ordinal) + 2)..] : Title)} model audit"
                : PeriodFrom is { } f && PeriodTo is { } t ? $"period report {f:yyyy-MM-dd} to {t.AddTicks(-1):yyyy-MM-dd}" : Title;
            var slug = new string(subject.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : ' ').ToArray());
            return string.Join('-', slug.Split(' ', StringSplitOptions.RemoveEmptyEntries)) + $"-{GeneratedAt:yyyy-MM-dd}.pdf";
        }
    }
}

internal sealed class ComplianceReportConfiguration : IEntityTypeConfiguration<ComplianceReport>
{
    public void Configure(EntityTypeBuilder<ComplianceReport> b)
    {
        b.ToTable("ComplianceReports");
        b.Property(r => r.Kind).HasMaxLength(32).IsRequired();
        b.Property(r => r.Title).HasMaxLength(300).IsRequired();
        b.Property(r => r.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(r => r.ChainHash).HasMaxLength(64).IsRequired();
        b.Property(r => r.CertificateFingerprint).HasMaxLength(100).IsRequired();
        b.Property(r => r.GeneratedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(r => r.Sha256);
        b.HasIndex(r => new { r.ModelVersionId, r.GeneratedAt });
        b.HasIndex(r => r.GeneratedAt);
    }
}
