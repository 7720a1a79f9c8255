using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Approvals;

/// <summary>A sign-off: approve or reject, always with a comment, after the signer proved who they are again.</summary>
public sealed class SignOff
{
    public Guid Id { get; set; }
    public string RequestId { get; set; } = "";
    /// <summary>The role this sign-off counts for (one person counts for one role per request).</summary>
    public string Role { get; set; } = "";
    public bool Approved { get; set; }
    public string Comment { get; set; } = "";
    /// <summary>The person who signed.</summary>
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>The person the signer stood in for (out of office), or the signer themselves.</summary>
    public string CountsForUserId { get; set; } = "";
    public string? OnBehalfOfUserName { get; set; }
    public Guid? DelegationId { get; set; }
    /// <summary>How the signer proved it was them: "password" or "authenticator".</summary>
    public string StepUp { get; set; } = "";
    public DateTime SignedAt { get; set; }
}

internal sealed class SignOffConfiguration : IEntityTypeConfiguration<SignOff>
{
    public void Configure(EntityTypeBuilder<SignOff> b)
    {
        b.ToTable("SignOffs");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.RequestId).HasMaxLength(36).IsRequired();
        b.Property(s => s.Role).HasMaxLength(64).IsRequired();
        b.Property(s => s.Comment).HasMaxLength(4000).IsRequired();
        b.Property(s => s.UserId).HasMaxLength(450).IsRequired();
        b.Property(s => s.UserName).HasMaxLength(256).IsRequired();
        b.Property(s => s.CountsForUserId).HasMaxLength(450).IsRequired();
        b.Property(s => s.OnBehalfOfUserName).HasMaxLength(256);
        b.Property(s => s.StepUp).HasMaxLength(32).IsRequired();
        // One person counts once per request, whether they sign themselves or someone signs in their stead.
        b.HasIndex(s => new { s.RequestId, s.UserId }).IsUnique();
        b.HasIndex(s => new { s.RequestId, s.CountsForUserId }).IsUnique();
        b.HasOne<ApprovalRequest>().WithMany().HasForeignKey(s => s.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
