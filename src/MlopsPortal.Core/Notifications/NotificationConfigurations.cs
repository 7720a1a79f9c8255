using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Notifications;

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
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

public sealed class SmtpSettingsConfiguration : IEntityTypeConfiguration<SmtpSettings>
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

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("WebhookSubscriptions");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(200).IsRequired();
        b.Property(s => s.Url).HasMaxLength(2000).IsRequired();
        b.Property(s => s.Events).AsJson();
        b.Property(s => s.ProtectedSecret).HasMaxLength(4000).IsRequired();
        b.Property(s => s.CreatedBy).HasMaxLength(256).IsRequired();
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("WebhookDeliveries");
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Event).HasMaxLength(64).IsRequired();
        b.Property(d => d.Body).IsRequired();
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(2000);
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.SubscriptionId, d.CreatedAt });
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("WebhookAttempts");
        b.Property(a => a.Error).HasMaxLength(2000);
        b.HasIndex(a => a.DeliveryId);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
