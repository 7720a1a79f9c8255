using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Exports;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.AuditTrail;

public sealed record ChainHead(long Sequence, string Hash);

public sealed record VerificationResult(
    bool Intact, long EventsChecked, ChainHead Head, long? FirstBrokenSequence, string? Problem, bool? AnchorMatched)
{
    public string Describe() => Intact
        ? $"Audit trail intact: {EventsChecked} events, head #{Head.Sequence} {Head.Hash}."
        : $"Audit trail BROKEN at sequence {FirstBrokenSequence}: {Problem}";
}

/// <summary>Reading, verifying, exporting and anchoring the audit trail.</summary>
public sealed class AuditTrailService(PortalDbContext db)
{
    public static readonly string[] ReadRoles = [Roles.Auditor, Roles.ComplianceOfficer, Roles.Administrator];

    public async Task<ChainHead> HeadAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        return await HeadAsync(ct);
    }

    private async Task<ChainHead> HeadAsync(CancellationToken ct) =>
        await StoredHeadAsync(ct) ?? throw new AuditChainHeadMissingException();

    private async Task<ChainHead?> StoredHeadAsync(CancellationToken ct) =>
        await db.AuditChainHeads.AsNoTracking().Where(h => h.Id == AuditChainHead.SingletonId)
            .Select(h => new ChainHead(h.Sequence, h.Hash)).SingleOrDefaultAsync(ct);

    /// <summary>
    /// Walks the whole chain in sequence order and reports the first event that was edited, removed,
    /// inserted or reordered; then compares the end with the stored head and, if given, an anchor.
    /// </summary>
    public async Task<VerificationResult> VerifyAsync(Actor actor, ChainHead? anchor = null, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        // A deleted head row is tampering like any other: the walk still runs, the result says what is missing, and
        // its head is the empty chain's (0 and 64 zeros), never a value that could be mistaken for an anchor.
        var stored = await StoredHeadAsync(ct);
        var head = stored ?? new ChainHead(0, Sha256Hex.Zero);
        long expected = 1;
        var previous = Sha256Hex.Zero;
        bool? anchorMatched = anchor is null ? null : false;

        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Sequence != expected)
                return Broken(expected, e.Sequence > expected
                    ? $"event {expected} is missing (next stored is {e.Sequence})"
                    : $"sequence {e.Sequence} appears out of order");
            if (e.PreviousHash != previous)
                return Broken(e.Sequence, "its previous-hash does not match the event before it (removed, inserted or reordered)");
            if (AuditChain.ComputeHash(e) != e.Hash)
                return Broken(e.Sequence, "its content does not match its hash (edited)");
            if (anchor is not null && e.Sequence == anchor.Sequence)
            {
                if (e.Hash != anchor.Hash)
                    return Broken(e.Sequence, "the chain differs from the anchor at this sequence (rewritten)");
                anchorMatched = true;
            }
            previous = e.Hash;
            expected++;
        }

        var last = expected - 1;
        if (stored is null)
            return Broken(last + 1, $"the chain head (table AuditChainHead) is missing: the events end at {last}, but nothing records where the chain should end (tampered with)");
        if (last != head.Sequence || previous != head.Hash)
            return Broken(last + 1, last < head.Sequence
                ? $"the chain ends at {last} but the head says {head.Sequence} (events removed from the end)"
                : "the chain head does not match the last event");
        if (anchor is not null && anchorMatched != true)
            return Broken(anchor.Sequence, $"the anchor's event {anchor.Sequence} is not in the chain (truncated)");
        return new VerificationResult(true, last, head, null, null, anchorMatched);

        VerificationResult Broken(long sequence, string problem) =>
            new(false, expected - 1, head, sequence, problem, anchor is null ? null : false);
    }

    public IQueryable<AuditEvent> Query(Actor actor, AuditFilter? filter = null)
    {
        actor.Require(ReadRoles);
        return (filter ?? AuditFilter.None).Apply(db.AuditEvents.AsNoTracking());
    }

    /// <summary>The action families and entity kinds present, for the page's filters.</summary>
    public async Task<(IReadOnlyList<string> Families, IReadOnlyList<string> EntityTypes)> FacetsAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        var actions = await db.AuditEvents.AsNoTracking().Select(e => e.Action).Distinct().ToListAsync(ct);
        var types = await db.AuditEvents.AsNoTracking().Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync(ct);
        return (actions.Select(a => a.Split('.')[0]).Distinct().Order().ToList(), types);
    }

    /// <summary>Records an exported anchor of the current head, itself an audit event.</summary>
    public async Task<AuditAnchor> CreateAnchorAsync(Actor actor, string purpose, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        purpose = InputLimits.Text((purpose ?? "").Trim(), "The anchor's purpose", InputLimits.Line)!;
        var head = await HeadAsync(ct);
        var anchor = new AuditAnchor
        {
            Sequence = head.Sequence, Hash = head.Hash, CreatedAt = AuditChain.Now(),
            CreatedBy = actor.AuditName, Purpose = purpose,
        };
        db.AuditAnchors.Add(anchor);
        db.Audit(actor.AuditName, "audit.anchored", EntityKinds.AuditAnchor, $"{head.Sequence}",
            new { sequence = head.Sequence, hash = head.Hash, purpose });
        await db.SaveChangesAsync(ct);
        return anchor;
    }

    public async Task WriteCsvAsync(Actor actor, Stream output, CancellationToken ct = default) => await WriteCsvAsync(actor, output, AuditFilter.None, ct);

    public async Task WriteCsvAsync(Actor actor, Stream output, AuditFilter filter, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteLineAsync("sequence,occurredAt,actor,action,entityType,entityId,payload,previousHash,hash");
        await foreach (var e in Query(actor, filter).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            var fields = new[]
            {
                e.Sequence.ToString(CultureInfo.InvariantCulture), AuditChain.FormatTime(e.OccurredAt),
                CsvCells.Text(e.Actor), CsvCells.Text(e.Action), CsvCells.Text(e.EntityType), CsvCells.Text(e.EntityId),
                CsvCells.Text(e.Payload), e.PreviousHash, e.Hash,
            };
            await writer.WriteLineAsync(string.Join(',', fields));
        }
    }

    public async Task WriteJsonAsync(Actor actor, Stream output, CancellationToken ct = default) => await WriteJsonAsync(actor, output, AuditFilter.None, ct);

    public async Task WriteJsonAsync(Actor actor, Stream output, AuditFilter filter, CancellationToken ct = default)
    {
        actor.Require(ReadRoles);
        var head = await HeadAsync(ct);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteStartObject("head");
        json.WriteNumber("sequence", head.Sequence);
        json.WriteString("hash", head.Hash);
        json.WriteEndObject();
        json.WriteStartArray("events");
        await foreach (var e in Query(actor, filter).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", e.Sequence);
            json.WriteString("occurredAt", AuditChain.FormatTime(e.OccurredAt));
            json.WriteString("actor", e.Actor);
            json.WriteString("action", e.Action);
            json.WriteString("entityType", e.EntityType);
            json.WriteString("entityId", e.EntityId);
            json.WritePropertyName("payload");
            json.WriteRawValue(e.Payload);
            json.WriteString("previousHash", e.PreviousHash);
            json.WriteString("hash", e.Hash);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
                await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }
}
