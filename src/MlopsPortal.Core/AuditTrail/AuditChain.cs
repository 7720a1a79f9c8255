using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.AuditTrail;

/// <summary>
/// Appending to and hashing the audit chain. The hash input is the canonical JSON (RFC 8785 style)
/// of sequence, UTC time truncated to microseconds, actor, action, entity type and id, payload and
/// the previous hash; the first event's previous hash is 64 zeros (contracts §3).
/// </summary>
public static class AuditChain
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>UTC now, truncated to microseconds (PostgreSQL keeps no more).</summary>
    public static DateTime Now() => Truncate(DateTime.UtcNow);

    public static DateTime Truncate(DateTime t) =>
        new(t.Ticks - t.Ticks % 10, DateTimeKind.Utc);

    public static string FormatTime(DateTime t) =>
        DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string ToCanonicalPayload(object? payload) => payload switch
    {
        null => "{}",
        string s => CanonicalJson.Serialize(s),
        JsonNode n => CanonicalJson.Serialize(n),
        _ => CanonicalJson.Serialize(JsonSerializer.SerializeToNode(payload, PayloadJson)),
    };

    public static string ComputeHash(AuditEvent e)
    {
        var node = new JsonObject
        {
            ["sequence"] = e.Sequence,
            ["occurredAt"] = FormatTime(e.OccurredAt),
            ["actor"] = e.Actor,
            ["action"] = e.Action,
            ["entityType"] = e.EntityType,
            ["entityId"] = e.EntityId,
            ["payload"] = JsonNode.Parse(e.Payload),
            ["previousHash"] = e.PreviousHash,
        };
        return Sha256Hex.Of(CanonicalJson.Serialize(node));
    }

    /// <summary>
    /// Appends the pending events in the saving context's transaction, after its governed changes were written, so
    /// that the head row is locked only for two statements and the commit (<see cref="AuditChainSql"/>).
    /// </summary>
    internal static async Task<int> AppendAsync(
        PortalDbContext db, IReadOnlyList<PortalDbContext.PendingAuditEvent> pending, CancellationToken ct)
    {
        var count = pending.Count;
        var (headSequence, headHash) = await AuditChainSql.ReserveAsync(db, count, ct) ?? throw new AuditChainHeadMissingException();
        var sequence = headSequence - count;
        var previous = headHash;
        var now = Now();
        var events = new List<AuditEvent>(count);
        foreach (var p in pending)
        {
            var e = new AuditEvent
            {
                Sequence = ++sequence, OccurredAt = now, Actor = p.Actor, Action = p.Action,
                EntityType = p.EntityType, EntityId = p.EntityId, Payload = p.Payload, PreviousHash = previous,
            };
            e.Hash = ComputeHash(e);
            previous = e.Hash;
            events.Add(e);
        }
        await AuditChainSql.WriteAsync(db, events, previous, ct);
        return count;
    }

    /// <summary>Fails a save that changes governed data without saying so in the audit trail.</summary>
    internal static void EnsureChangesAreAudited(PortalDbContext db)
    {
        if (db.HasPendingAudit) return;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            if (PortalDbContext.UnauditedTypes.Contains(entry.Metadata.ClrType)) continue;
            if (entry.State == EntityState.Modified && PortalDbContext.IsBookkeeping(entry)) continue;
            throw new InvalidOperationException(
                $"{entry.Metadata.ClrType.Name} {entry.State.ToString().ToLowerInvariant()} without an audit event: call PortalDbContext.Audit first.");
        }
    }
}
