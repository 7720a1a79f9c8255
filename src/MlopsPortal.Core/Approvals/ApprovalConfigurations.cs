using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.ModelRegistry;

namespace MlopsPortal.Core.Approvals;

public sealed class ApprovalRequestConfiguration : IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<ApprovalRequest> b)
    {
        b.ToTable("ApprovalRequests");
        b.Property(r => r.Id).HasMaxLength(36);
        b.Property(r => r.Kind).HasMaxLength(64).IsRequired();
        b.Property(r => r.SubjectType).HasMaxLength(64).IsRequired();
        b.Property(r => r.SubjectId).HasMaxLength(128).IsRequired();
        b.Property(r => r.Summary).HasMaxLength(500).IsRequired();
        b.Property(r => r.RequestedBy).HasMaxLength(256).IsRequired();
        b.Property(r => r.RequestedByUserId).HasMaxLength(450);
        b.Property(r => r.DecidedBy).HasMaxLength(256);
        b.Property(r => r.DecisionComment).HasMaxLength(4000);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.TargetStage).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Justification).HasMaxLength(4000).IsRequired();
        b.Property(r => r.Required).AsJson();
        b.Property(r => r.Gates).AsJson();
        b.Property(r => r.GateOverrideBy).HasMaxLength(256);
        b.Property(r => r.GateOverrideReason).HasMaxLength(2000);
        b.Ignore(r => r.Blocked);
        b.Ignore(r => r.IsOpen);
        b.HasIndex(r => new { r.Status, r.Kind });
        b.HasIndex(r => new { r.ModelId, r.RequestedAt });
        b.HasOne<ApprovalPolicy>().WithMany().HasForeignKey(r => r.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ApprovalPolicyConfiguration : IEntityTypeConfiguration<ApprovalPolicy>
{
    public void Configure(EntityTypeBuilder<ApprovalPolicy> b)
    {
        b.ToTable("ApprovalPolicies");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Kind).HasMaxLength(64).IsRequired();
        b.Property(p => p.StagingSignOffs).AsJson();
        b.Property(p => p.ProductionSignOffs).AsJson();
        b.Property(p => p.Gates).AsJson();
        b.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(p => new { p.Kind, p.RiskTier, p.Version }).IsUnique();
        b.HasData(ApprovalPolicy.Defaults());
    }
}

public sealed class SignOffConfiguration : IEntityTypeConfiguration<SignOff>
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

public sealed class DelegationConfiguration : IEntityTypeConfiguration<Delegation>
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

public sealed class StageChangeConfiguration : IEntityTypeConfiguration<StageChange>
{
    public void Configure(EntityTypeBuilder<StageChange> b)
    {
        b.ToTable("StageChanges");
        b.Property(s => s.From).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.To).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.RequestId).HasMaxLength(36);
        b.Property(s => s.Reason).HasMaxLength(32).IsRequired();
        b.Property(s => s.SignedBy).AsJson();
        b.HasIndex(s => new { s.ModelId, s.ChangedAt });
        b.HasIndex(s => s.ModelVersionId);
    }
}
