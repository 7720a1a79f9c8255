using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.AuditTrail;

/// <summary>The chain's guarantees, on SQLite and on a real PostgreSQL, tampered with by raw SQL.</summary>
public abstract class AuditChainTests(DatabaseProvider provider) : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private static readonly Actor Auditor = Actor.Cli();

    public async Task InitializeAsync() => _portal = await PortalServices.StartAsync(provider);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await using var scope = _portal.Scope();
            var db = _portal.Get<PortalDbContext>(scope);
            db.Audit("cli:test", "test.event", "thing", $"t{i}", new { index = i, note = "ünïcode ≥ ✓" });
            await db.SaveChangesAsync();
        }
    }

    private async Task<VerificationResult> VerifyAsync(ChainHead? anchor = null)
    {
        await using var scope = _portal.Scope();
        return await _portal.Get<AuditTrailService>(scope).VerifyAsync(Auditor, anchor);
    }

    private async Task SqlAsync(string sql)
    {
        await using var scope = _portal.Scope();
        var db = _portal.Get<PortalDbContext>(scope);
        // Identifiers quoted for PostgreSQL, which folds unquoted names to lower case.
        await db.Database.ExecuteSqlRawAsync(sql.Replace("[", "\"").Replace("]", "\""));
    }

    [Fact]
    public async Task ShouldReportIntactChain_WhenEventsAreAppended()
    {
        await AppendAsync(5);
        var result = await VerifyAsync();
        result.Intact.ShouldBeTrue(result.Problem);
        result.EventsChecked.ShouldBe(5);
        result.Head.Sequence.ShouldBe(5);
    }

    [Fact]
    public async Task ShouldLinkEachEventToThePreviousHash_WhenAppended()
    {
        await AppendAsync(3);
        await using var scope = _portal.Scope();
        var events = await _portal.Get<PortalDbContext>(scope).AuditEvents.OrderBy(e => e.Sequence).ToListAsync();
        events[0].PreviousHash.ShouldBe(new string('0', 64));
        events[1].PreviousHash.ShouldBe(events[0].Hash);
        events[2].PreviousHash.ShouldBe(events[1].Hash);
        events.ShouldAllBe(e => e.Hash == AuditChain.ComputeHash(e));
    }

    [Fact]
    public async Task ShouldNameTheEditedSequence_WhenAPayloadIsEditedInTheDatabase()
    {
        await AppendAsync(5);
        await SqlAsync("UPDATE [AuditEvents] SET [Payload] = '{{\"index\":99}}' WHERE [Sequence] = 3");
        var result = await VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(3);
        result.Problem!.ShouldContain("edited");
    }

    [Fact]
    public async Task ShouldNameTheMissingSequence_WhenARowIsDeleted()
    {
        await AppendAsync(5);
        await SqlAsync("DELETE FROM [AuditEvents] WHERE [Sequence] = 2");
        var result = await VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(2);
    }

    [Fact]
    public async Task ShouldDetectReordering_WhenTwoEventsSwapPlaces()
    {
        await AppendAsync(5);
        await SqlAsync("UPDATE [AuditEvents] SET [Sequence] = -1 WHERE [Sequence] = 2");
        await SqlAsync("UPDATE [AuditEvents] SET [Sequence] = 2 WHERE [Sequence] = 3");
        await SqlAsync("UPDATE [AuditEvents] SET [Sequence] = 3 WHERE [Sequence] = -1");
        var result = await VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(2);
    }

    [Fact]
    public async Task ShouldDetectTruncation_WhenTheLastEventIsDeleted()
    {
        await AppendAsync(4);
        await SqlAsync("DELETE FROM [AuditEvents] WHERE [Sequence] = 4");
        var result = await VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(4);
    }

    [Fact]
    public async Task ShouldFailAgainstTheAnchor_WhenTheWholeChainIsRewritten()
    {
        await AppendAsync(3);
        var anchor = (await VerifyAsync()).Head;
        // A rewrite that recomputes every hash is self-consistent; only the anchor exposes it.
        await using (var scope = _portal.Scope())
        {
            var db = _portal.Get<PortalDbContext>(scope);
            var events = await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync();
            var previous = new string('0', 64);
            foreach (var e in events)
            {
                e.Actor = "cli:forger";
                e.PreviousHash = previous;
                e.Hash = AuditChain.ComputeHash(e);
                previous = e.Hash;
            }
            await db.AuditChainHeads.ExecuteUpdateAsync(s => s.SetProperty(h => h.Hash, previous));
            db.Audit("cli:forger", "test.cover", "thing", "x");
            await db.SaveChangesAsync();
        }
        (await VerifyAsync()).Intact.ShouldBeTrue();
        var result = await VerifyAsync(anchor);
        result.Intact.ShouldBeFalse();
        result.FirstBrokenSequence.ShouldBe(anchor.Sequence);
    }

    [Fact]
    public async Task ShouldReportTamperingNamingTheHead_WhenTheHeadRowIsDeleted()
    {
        await AppendAsync(3);
        await SqlAsync("DELETE FROM [AuditChainHead]");
        var result = await VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.EventsChecked.ShouldBe(3);
        result.FirstBrokenSequence.ShouldBe(4);
        result.Problem!.ShouldContain("AuditChainHead");
        result.Problem!.ShouldContain("missing");
    }

    [Fact]
    public async Task ShouldRefuseAuditedWritesWithAClearError_WhenTheHeadRowIsMissing()
    {
        await AppendAsync(2);
        await SqlAsync("DELETE FROM [AuditChainHead]");
        await using (var scope = _portal.Scope())
        {
            var db = _portal.Get<PortalDbContext>(scope);
            db.Audit("cli:test", "test.event", "thing", "after");
            var error = await Should.ThrowAsync<AuditChainHeadMissingException>(() => db.SaveChangesAsync());
            error.Message.ShouldContain("AuditChainHead");
            error.Message.ShouldContain("audit verify");
            await Should.ThrowAsync<AuditChainHeadMissingException>(() => _portal.Get<AuditTrailService>(scope).HeadAsync(Auditor));
        }
        await using var check = _portal.Scope();
        (await _portal.Get<PortalDbContext>(check).AuditEvents.CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task ShouldRefuseTheSave_WhenAGovernedChangeHasNoAuditEvent()
    {
        await using var scope = _portal.Scope();
        var db = _portal.Get<PortalDbContext>(scope);
        db.ApiTokens.Add(new ApiToken { Id = "x", UserId = "nobody", Name = "n", Prefix = "mlp_x", SecretHash = new string('a', 64) });
        var error = await Should.ThrowAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        error.Message.ShouldContain("without an audit event");
        (await db.AuditEvents.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ShouldWriteNeitherChangeNorEvent_WhenTheTransactionFails()
    {
        await AppendAsync(1);
        await using (var scope = _portal.Scope())
        {
            var db = _portal.Get<PortalDbContext>(scope);
            // The token's owner does not exist: the foreign key fails the whole transaction.
            db.ApiTokens.Add(new ApiToken { Id = "x", UserId = "missing-user", Name = "n", Prefix = "mlp_x", SecretHash = new string('a', 64) });
            db.Audit("cli:test", "api-token.created", "api-token", "x");
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
        await using (var scope = _portal.Scope())
        {
            var db = _portal.Get<PortalDbContext>(scope);
            (await db.AuditEvents.CountAsync()).ShouldBe(1);
            (await db.ApiTokens.CountAsync()).ShouldBe(0);
        }
        var result = await VerifyAsync();
        result.Intact.ShouldBeTrue(result.Problem);
        result.Head.Sequence.ShouldBe(1);
    }
}

public sealed class SqliteAuditChainTests() : AuditChainTests(DatabaseProvider.Sqlite);

// Without a PostgreSQL server its inherited tests fail in InitializeAsync, naming the variable (PostgresServer): xunit 2
// decides a skip per test method, not per class, so the tests it shares with SQLite cannot skip here alone.
public sealed class PostgresAuditChainTests() : AuditChainTests(DatabaseProvider.Postgres)
{
    [PostgresFact]
    public async Task ShouldKeepOneValidChain_WhenEightWritersAppendAtOnce()
    {
        await using var portal = await PortalServices.StartAsync(DatabaseProvider.Postgres);
        const int writers = 8, perWriter = 25;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var scope = portal.Scope();
                var db = portal.Get<PortalDbContext>(scope);
                db.Audit($"cli:writer{w}", "test.concurrent", "thing", $"{w}-{i}", new { w, i });
                await db.SaveChangesAsync();
            }
        })));

        await using var verifyScope = portal.Scope();
        var result = await portal.Get<AuditTrailService>(verifyScope).VerifyAsync(Actor.Cli());
        result.Intact.ShouldBeTrue(result.Problem);
        result.EventsChecked.ShouldBe(writers * perWriter);
        var sequences = await portal.Get<PortalDbContext>(verifyScope).AuditEvents.Select(e => e.Sequence).OrderBy(s => s).ToListAsync();
        sequences.ShouldBe(Enumerable.Range(1, writers * perWriter).Select(i => (long)i));
    }
}
