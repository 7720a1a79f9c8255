using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.AuditTrail;

/// <summary>
/// The single row that holds the chain head. Every append first updates this row, which takes a
/// row lock (PostgreSQL, SQL Server) or the write lock (SQLite): concurrent writers queue on it,
/// so sequences stay gap-free and each event links to the one before it.
/// </summary>
public sealed class AuditChainHead
{
    public const int SingletonId = 1;
    public int Id { get; set; }
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("AuditChainHead");
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.HasData(new AuditChainHead { Id = AuditChainHead.SingletonId, Sequence = 0, Hash = Sha256Hex.Zero });
    }
}
