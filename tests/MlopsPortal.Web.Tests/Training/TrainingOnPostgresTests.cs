using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>Training, evaluation and scoring on a real PostgreSQL (the clustered deployment's database).</summary>
public sealed class TrainingOnPostgresTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;

    public async Task InitializeAsync() =>
        _host = await PortalTestHost.StartAsync(provider: DatabaseProvider.Postgres, connectionString: await PostgresServer.CreateDatabaseAsync("train"));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    private async Task<JobRun> FinishAsync(JobRun run) =>
        await _host.WaitUntilEndedAsync(run);

    [PostgresFact]
    public async Task ShouldTrainTwiceToOneVersionThenEvaluateAndScore_OnPostgres()
    {
        await using (var scope = _host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateAsync(Actor.Cli(), "owner@x.test", "Owner", PortalTestHost.Password, [Roles.MlEngineer]);
        await Get<ModelService>().CreateAsync(Actor.Cli(), TrainingFixture.Recidivism("recid-pg"));
        await using var file = File.OpenRead(TrainingFixture.CompasFile);
        var data = (await Get<DatasetService>().AddAsync(Actor.Cli(), file, "compas")).Version.Id;
        var training = Get<TrainingService>();

        var first = await FinishAsync(await training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-pg", data, TrainingFixture.FewRounds(10), 3)));
        var second = await FinishAsync(await training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-pg", data, TrainingFixture.FewRounds(10), 3)));
        first.Status.ShouldBe(JobRunStatus.Succeeded, first.Error);
        second.OutputEntityId.ShouldBe(first.OutputEntityId);
        (await training.GetRunAsync(second.Id)).Rounds.Count.ShouldBe(10);
        var version = Guid.Parse(first.OutputEntityId!);

        var evaluation = await FinishAsync(await training.StartEvaluationAsync(Actor.Cli(), version, data, null));
        evaluation.Status.ShouldBe(JobRunStatus.Succeeded, evaluation.Error);
        (await training.GetEvaluationAsync(evaluation.Id)).Criteria.Count.ShouldBe(2);
        var scored = await FinishAsync(await training.StartScoringAsync(Actor.Cli(), version, data, 0.3));
        scored.Status.ShouldBe(JobRunStatus.Succeeded, scored.Error);

        await using var db = await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        (await db.DatasetVersions.SingleAsync(v => v.Id == Guid.Parse(scored.OutputEntityId!))).RowCount.ShouldBe(7214);
        (await db.LineageEdges.CountAsync(e => e.ToId == scored.OutputEntityId && e.FromId == scored.Id.ToString() && e.Relation == "produced")).ShouldBe(1);
        (await db.LineageEdges.CountAsync(e => e.ToId == scored.Id.ToString())).ShouldBe(2);
        var verify = await _host.Services.CreateAsyncScope().ServiceProvider.GetRequiredService<MlopsPortal.Core.AuditTrail.AuditTrailService>().VerifyAsync(Actor.Cli());
        verify.Intact.ShouldBeTrue();
    }
}
