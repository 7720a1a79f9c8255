using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Fairness;

/// <summary>
/// A fairness audit of a model version's predictions on a dataset version, or of a dataset's own prediction
/// column. Report holds the engine's report (contracts §4 JSON); its id is its job run's id.
/// </summary>
public sealed class FairnessAuditRecord
{
    public Guid Id { get; set; }
    public Guid? ModelId { get; set; }
    public Guid? ModelVersionId { get; set; }
    public Guid DatasetVersionId { get; set; }
    public string LabelColumn { get; set; } = "";
    /// <summary>The data's prediction column, when the audit is not of a model version.</summary>
    public string? PredictionColumn { get; set; }
    public double? Threshold { get; set; }
    public List<string> Sensitive { get; set; } = [];
    public bool Intersectional { get; set; }
    public int Bootstrap { get; set; }
    public int Seed { get; set; }
    public string Report { get; set; } = "{}";
    public string? Verdict { get; set; }
    /// <summary>The thresholds it was judged by (JSON of the policy at the time), and the tier they belong to.</summary>
    public string Policy { get; set; } = "{}";
    public string RequestedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class FairnessAuditConfiguration : IEntityTypeConfiguration<FairnessAuditRecord>
{
    public void Configure(EntityTypeBuilder<FairnessAuditRecord> b)
    {
        b.ToTable("FairnessAudits");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.LabelColumn).HasMaxLength(200).IsRequired();
        b.Property(a => a.PredictionColumn).HasMaxLength(200);
        b.Property(a => a.Sensitive).AsJson();
        b.Property(a => a.Report).IsRequired();
        b.Property(a => a.Verdict).HasMaxLength(8);
        b.Property(a => a.Policy).IsRequired();
        b.Property(a => a.RequestedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(a => new { a.ModelVersionId, a.CreatedAt });
        b.HasIndex(a => new { a.ModelId, a.CreatedAt });
    }
}
