namespace MlopsPortal.Core.AuditTrail;

/// <summary>One row of the append-only, hash-chained audit trail (contracts §3, docs/audit-trail.md).</summary>
public sealed class AuditEvent
{
    public long Sequence { get; set; }
    public DateTime OccurredAt { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>Canonical JSON of what changed.</summary>
    public string Payload { get; set; } = "{}";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

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

/// <summary>An exported copy of the chain head, kept so that a later rewrite can be detected.</summary>
public sealed class AuditAnchor
{
    public long Id { get; set; }
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Purpose { get; set; } = "";
}

/// <summary>
/// The chain's head row is gone (deleted by hand or by a bad restore): nothing can be appended, because the next
/// event could not be linked to the one before it. Only someone with write access to the database causes this.
/// </summary>
public sealed class AuditChainHeadMissingException() : InvalidOperationException(
    "The audit chain head (the single row of table AuditChainHead) is missing, so no audited change can be written: " +
    "the audit trail may have been tampered with. Run `audit verify`, then restore the database from a backup (docs/audit-trail.md).");
