using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.Lineage;

/// <summary>
/// One arrow of the lifecycle graph: "to" derives from "from". Written in the same transaction as
/// the entity that derives (see PortalDbContext.AddLineage).
/// </summary>
public sealed class LineageEdge
{
    public long Id { get; set; }
    public string FromKind { get; set; } = "";
    public string FromId { get; set; } = "";
    public string ToKind { get; set; } = "";
    public string ToId { get; set; } = "";
    public string Relation { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>Entity kinds used by lineage edges and audit events.</summary>
public static class EntityKinds
{
    public const string User = "user";
    public const string ApiToken = "api-token";
    public const string ApprovalRequest = "approval-request";
    public const string AuditAnchor = "audit-anchor";
    public const string Dataset = "dataset";
    public const string DatasetVersion = "dataset-version";
    public const string Model = "model";
    public const string ModelVersion = "model-version";
    public const string TrainingRun = "training-run";
    public const string Evaluation = "evaluation";
    public const string FairnessAudit = "fairness-audit";
    public const string StageChange = "stage-change";
    /// <summary>A batch-scoring job run (its id is the job run's).</summary>
    public const string ScoringJob = "scoring-job";
    public const string DriftReport = "drift-report";
    public const string DriftAlert = "drift-alert";
    /// <summary>A compliance report in the archive.</summary>
    public const string Report = "report";
    public const string ApprovalPolicy = "approval-policy";
    public const string Delegation = "delegation";
    public const string WebhookSubscription = "webhook";
    public const string SmtpSettings = "smtp-settings";
}

internal sealed class LineageEdgeConfiguration : IEntityTypeConfiguration<LineageEdge>
{
    public void Configure(EntityTypeBuilder<LineageEdge> b)
    {
        b.ToTable("LineageEdges");
        b.Property(e => e.FromKind).HasMaxLength(64).IsRequired();
        b.Property(e => e.FromId).HasMaxLength(128).IsRequired();
        b.Property(e => e.ToKind).HasMaxLength(64).IsRequired();
        b.Property(e => e.ToId).HasMaxLength(128).IsRequired();
        b.Property(e => e.Relation).HasMaxLength(64).IsRequired();
        b.HasIndex(e => new { e.FromKind, e.FromId });
        b.HasIndex(e => new { e.ToKind, e.ToId });
        b.HasIndex(e => new { e.FromKind, e.FromId, e.ToKind, e.ToId, e.Relation }).IsUnique();
    }
}
