using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Reports;

/// <summary>The portal's report-signing certificate: a PKCS#12 blob protected with the data-protection keys.</summary>
public sealed class ReportSigningKey
{
    public int Id { get; set; }
    public string Subject { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public DateTime NotBefore { get; set; }
    public DateTime NotAfter { get; set; }
    public string ProtectedPkcs12 { get; set; } = "";
    public string Source { get; set; } = "self-signed";
    public DateTime CreatedAt { get; set; }
}

internal sealed class ReportSigningKeyConfiguration : IEntityTypeConfiguration<ReportSigningKey>
{
    public void Configure(EntityTypeBuilder<ReportSigningKey> b)
    {
        b.ToTable("ReportSigningKeys");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Subject).HasMaxLength(300).IsRequired();
        b.Property(k => k.Fingerprint).HasMaxLength(100).IsRequired();
        b.Property(k => k.Source).HasMaxLength(32).IsRequired();
        b.Property(k => k.ProtectedPkcs12).IsRequired();
    }
}
