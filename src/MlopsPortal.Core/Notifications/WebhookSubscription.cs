using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Notifications;

/// <summary>An outgoing webhook: events POSTed as JSON to a URL, signed with the subscription's secret.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    /// <summary>The HMAC secret, encrypted with the portal's data-protection keys.</summary>
    public string ProtectedSecret { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
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
