using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Approvals;

/// <summary>A user's sign-off authority lent to another user for a period (out of office).</summary>
public sealed class Delegation
{
    public Guid Id { get; set; }
    public string FromUserId { get; set; } = "";
    public string FromUserName { get; set; } = "";
    public string ToUserId { get; set; } = "";
    public string ToUserName { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsActive(DateTime now) => RevokedAt is null && StartsAt <= now && now < EndsAt;
}

internal sealed class DelegationConfiguration : IEntityTypeConfiguration<Delegation>
{
    public void Configure(EntityTypeBuilder<Delegation> b)
    {
        b.ToTable("Delegations");
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.FromUserId).HasMaxLength(450).IsRequired();
        b.Property(d => d.FromUserName).HasMaxLength(256).IsRequired();
        b.Property(d => d.ToUserId).HasMaxLength(450).IsRequired();
        b.Property(d => d.ToUserName).HasMaxLength(256).IsRequired();
        b.Property(d => d.Reason).HasMaxLength(500).IsRequired();
        b.HasIndex(d => new { d.ToUserId, d.EndsAt });
        b.HasIndex(d => new { d.FromUserId, d.EndsAt });
    }
}
