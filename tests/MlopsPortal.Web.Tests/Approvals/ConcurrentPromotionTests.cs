using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Approvals;

/// <summary>Two promotions of one model finishing at the same moment on PostgreSQL: exactly one Production version remains.</summary>
public sealed class ConcurrentPromotionTests : IAsyncLifetime
{
    private ApprovalScenario _s = default!;

    public async Task InitializeAsync() =>
        _s = await ApprovalScenario.StartAsync(await PortalTestHost.StartAsync(provider: DatabaseProvider.Postgres,
            connectionString: await PostgresServer.CreateDatabaseAsync("approvals")));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [PostgresFact]
    public async Task ShouldLeaveExactlyOneProductionVersion_WhenTwoPromotionsCompleteAtOnce()
    {
        var model = await _s.CreateModelAsync("race", RiskTier.Medium);
        for (var round = 0; round < 3; round++)
        {
            var a = await _s.AddVersionAsync(model, 0.8);
            var b = await _s.AddVersionAsync(model, 0.8);
            var ra = await _s.RequestAsync(a.Id);
            var rb = await _s.RequestAsync(b.Id, who: "ds");
            await _s.SignAsync("biz", ra.Id);
            await _s.SignAsync("biz", rb.Id);
            // The last sign-off of each request, at the same moment.
            var results = await Task.WhenAll(_s.SignAsync("eng2", ra.Id), _s.SignAsync("eng", rb.Id));
            results.ShouldAllBe(r => r.Status == ApprovalStatus.Approved);

            var production = await _s.QueryAsync(db => db.ModelVersions.Where(v => v.ModelId == model.Id && v.Stage == VersionStage.Production).ToListAsync());
            production.Count.ShouldBe(1, $"round {round}");
            var loser = production[0].Id == a.Id ? b : a;
            (await _s.StageAsync(loser.Id)).ShouldBe(VersionStage.Archived);
            var history = await _s.QueryAsync(db => db.StageChanges.Where(h => h.ModelVersionId == loser.Id).OrderBy(h => h.Id).Select(h => h.To).ToListAsync());
            history.ShouldBe([VersionStage.Production, VersionStage.Archived], $"round {round}: the loser was promoted, then replaced");
        }
        // The database refuses a second Production version even to code that skips the lock.
        var other = await _s.QueryAsync(db => db.ModelVersions.FirstAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Archived));
        await Should.ThrowAsync<Exception>(() => _s.QueryAsync(db =>
            db.ModelVersions.Where(v => v.Id == other.Id).ExecuteUpdateAsync(x => x.SetProperty(v => v.Stage, VersionStage.Production))));
    }
}
