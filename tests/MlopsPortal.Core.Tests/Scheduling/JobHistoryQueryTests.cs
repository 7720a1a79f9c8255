using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Scheduling;

/// <summary>The Jobs page's history: a page of runs, newest first, filtered the way people type.</summary>
public sealed class JobHistoryQueryTests : IAsyncLifetime
{
    private PortalServices _portal = default!;

    public async Task InitializeAsync()
    {
        _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
        await using (var scope = _portal.Scope())
            await _portal.Get<UserAdminService>(scope).CreateAsync(Actor.Cli(), "ada@x.test", "Ada Lovelace", "Correct-Horse-Battery-9", [Roles.DataScientist]);
        var factory = _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var start = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
        (string Kind, JobRunStatus Status, string By, string Node)[] runs =
        [
            (TrainModelJob.Kind, JobRunStatus.Succeeded, "user:ada@x.test", "vm-1-aaaa"),
            (TrainModelJob.Kind, JobRunStatus.Failed, "drift-alert:5fcb1f7b-8298-44d9-966f-3fc6b22caaa0 (by user:ada@x.test)", "vm-1-aaaa"),
            (EvaluateModelJob.Kind, JobRunStatus.Succeeded, "user:engineer@x.test", "vm-2-bbbb"),
            (ScoreBatchJob.Kind, JobRunStatus.Succeeded, "job:schedules.schedule-0123456789abcdef0123456789abcdef", "vm-2-bbbb"),
        ];
        for (var i = 0; i < runs.Length; i++)
        {
            var id = Guid.NewGuid();
            db.JobRuns.Add(new JobRun
            {
                Id = id, Kind = runs[i].Kind, Status = runs[i].Status, JobKey = $"x.run-{id:N}", TriggeredBy = runs[i].By, NodeId = runs[i].Node,
                QueuedAt = start.AddSeconds(i), Attempts = 1,
            });
            db.Audit("cli:test", "job.requested", "job-run", id.ToString());
        }
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<IReadOnlyList<JobRun>> QueryAsync(JobRunQuery query)
    {
        // Reading the history needs the database only (the scheduler queues and cancels).
        var jobs = new JobService(_portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), null!, _portal.Services.GetRequiredService<JobKinds>(), NullLogger<JobService>.Instance);
        var (runs, total) = await jobs.QueryAsync(query);
        total.ShouldBe(runs.Count);
        return runs;
    }

    [Fact]
    public async Task ShouldListEveryRunNewestFirst_WhenNothingIsFiltered() =>
        (await QueryAsync(new JobRunQuery())).Select(r => r.Kind).ShouldBe([ScoreBatchJob.Kind, EvaluateModelJob.Kind, TrainModelJob.Kind, TrainModelJob.Kind]);

    [Fact]
    public async Task ShouldCombineKindAndStatus_WhenBothAreChosen() =>
        (await QueryAsync(new JobRunQuery(TrainModelJob.Kind, JobRunStatus.Succeeded))).Single().TriggeredBy.ShouldBe("user:ada@x.test");

    [Theory]
    [InlineData("Lovelace", 2)]   // a person's display name: their runs, and the alert they acted on
    [InlineData("ADA@X", 2)]      // part of the e-mail, any case
    [InlineData("engineer", 1)]
    [InlineData("schedule", 1)]
    [InlineData("nobody", 0)]
    public async Task ShouldMatchWhoAskedByNameOrPart_WhenTriggeredByIsTyped(string text, int count) =>
        (await QueryAsync(new JobRunQuery(TriggeredBy: text))).Count.ShouldBe(count);

    [Fact]
    public async Task ShouldMatchPartOfTheNode_WhenANodeIsTyped() =>
        (await QueryAsync(new JobRunQuery(NodeId: "VM-2"))).Count.ShouldBe(2);
}
