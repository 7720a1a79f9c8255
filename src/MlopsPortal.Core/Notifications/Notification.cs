using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Notifications;

/// <summary>
/// A message for one user, shown in the portal and (when SMTP is configured and the user has an address) sent
/// by e-mail. Written in the transaction of the event it tells about; the event itself is what is audited.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>request-due, request-expiring, request-approved, request-rejected, request-expired, stage-changed, …</summary>
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>A portal path to open (/approvals/…).</summary>
    public string? Link { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public string? EmailTo { get; set; }
    public EmailStatus EmailStatus { get; set; }
    public int EmailAttempts { get; set; }
    public DateTime? EmailNextAttemptAt { get; set; }
    public DateTime? EmailSentAt { get; set; }
    public string? EmailError { get; set; }
    /// <summary>A dispatcher holds the message until then (several nodes never send the same message twice at once).</summary>
    public DateTime? LockedUntil { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.UserId).HasMaxLength(450).IsRequired();
        b.Property(n => n.UserName).HasMaxLength(256).IsRequired();
        b.Property(n => n.Kind).HasMaxLength(64).IsRequired();
        b.Property(n => n.Title).HasMaxLength(300).IsRequired();
        b.Property(n => n.Body).HasMaxLength(4000).IsRequired();
        b.Property(n => n.Link).HasMaxLength(500);
        b.Property(n => n.EmailTo).HasMaxLength(256);
        b.Property(n => n.EmailStatus).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.EmailError).HasMaxLength(2000);
        b.HasIndex(n => new { n.UserId, n.ReadAt, n.CreatedAt });
        b.HasIndex(n => new { n.EmailStatus, n.EmailNextAttemptAt });
    }
}

/// <summary>Where an e-mail copy of a notification stands.</summary>
public enum EmailStatus { None, Pending, Sent, Failed }
