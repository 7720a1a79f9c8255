using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Notifications;

/// <summary>How the portal reaches its mail server; one row, edited by Administrators (the password is encrypted).</summary>
public sealed class SmtpSettings
{
    public int Id { get; set; } = 1;
    public bool Enabled { get; set; }
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    /// <summary>"none", "starttls" or "tls".</summary>
    public string Security { get; set; } = "starttls";
    public string? UserName { get; set; }
    /// <summary>Encrypted with the portal's data-protection keys; never shown or audited.</summary>
    public string? ProtectedPassword { get; set; }
    public string FromAddress { get; set; } = "";
    public string FromName { get; set; } = "MLOps Governance Portal";
    /// <summary>The portal's public address, for links in e-mails (https://mlops.example.com).</summary>
    public string? PortalUrl { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

internal sealed class SmtpSettingsConfiguration : IEntityTypeConfiguration<SmtpSettings>
{
    public void Configure(EntityTypeBuilder<SmtpSettings> b)
    {
        b.ToTable("SmtpSettings");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Host).HasMaxLength(256).IsRequired();
        b.Property(s => s.Security).HasMaxLength(16).IsRequired();
        b.Property(s => s.UserName).HasMaxLength(256);
        b.Property(s => s.ProtectedPassword).HasMaxLength(4000);
        b.Property(s => s.FromAddress).HasMaxLength(256).IsRequired();
        b.Property(s => s.FromName).HasMaxLength(256).IsRequired();
        b.Property(s => s.PortalUrl).HasMaxLength(500);
        b.Property(s => s.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}
