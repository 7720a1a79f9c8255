using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;
using MlopsPortal.Web.Tests.Training;

namespace MlopsPortal.Web.Tests.Monitoring;

/// <summary>
/// The production loop on COMPAS with real jobs: a champion scores a batch (the Staging challenger shadow-scores it),
/// outcomes arrive with unknown and duplicate keys, live performance breaks a signed rollback rule, and the portal rolls
/// back once, to the previous approved version — and never to a version that was itself rolled back.
/// </summary>
[Collection(nameof(TrainingCollection))]
public sealed class ProductionLoopTests(TrainingFixture f)
{
    private async Task<ModelVersion> TrainAsync(string slug, int seed, int rounds)
    {
        var run = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(slug, f.Compas, TrainingFixture.FewRounds(rounds), seed)));
        run.Status.ShouldBe(JobRunStatus.Succeeded, run.Error);
        return (await f.Training.GetVersionAsync(Guid.Parse(run.OutputEntityId!))).Version;
    }

    private async Task StageAsync(ModelVersion version, VersionStage stage)
    {
        await using var db = await f.Host.Services.GetRequiredService<IDbContextFactory<Core.Data.PortalDbContext>>().CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await f.Host.Services.GetRequiredService<StageChangeService>().ChangeAsync(db, "cli:test", version.Id, stage, "test", null, ["test"], default);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private Task<VersionStage> StageOfAsync(Guid id) => f.QueryAsync(db => db.ModelVersions.Where(v => v.Id == id).Select(v => v.Stage).SingleAsync());

    /// <summary>The COMPAS ids and labels of the first <paramref name="rows"/> rows, labels flipped when asked (a model that got worse).</summary>
    private static List<(string Id, string Label)> Outcomes(int rows, bool flip)
    {
        var lines = File.ReadLines(TrainingFixture.CompasFile).ToList();
        var header = lines[0].Split(',').ToList();
        int id = header.IndexOf("id"), label = header.IndexOf("two_year_recid");
        return lines.Skip(1).Take(rows).Select(l => l.Split(',')).Select(c => (c[id], flip ? (c[label] == "1" ? "0" : "1") : c[label])).ToList();
    }

    private static MemoryStream Csv(IEnumerable<(string Id, string Label)> rows) =>
        new(Encoding.UTF8.GetBytes("id,two_year_recid\n" + string.Concat(rows.Select(r => $"{r.Id},{r.Label}\n"))));

    private async Task<JobRun> LatestLiveRunAsync(DateTime after) =>
        await f.Host.WaitForRunAsync(r => r.Kind == MeasureLivePerformanceJob.Kind && r.QueuedAt > after && !r.IsActive, "live performance");

    [Fact]
    public async Task ShouldShadowScoreMatchOutcomesAndRollBackOnce_WhenASignedRuleFiresOnLiveData()
    {
        const string slug = "loop";
        await f.CreateModelAsync(slug);
        var eng = await f.Host.CreateUserAsync("loop-eng@x.test", Roles.MlEngineer);
        var biz = await f.Host.CreateUserAsync("loop-biz@x.test", Roles.BusinessStakeholder);
        var co = await f.Host.CreateUserAsync("loop-co@x.test", Roles.ComplianceOfficer);
        Actor Person(Core.Users.PortalUser u, string role) => new(u.Id, u.UserName!, new HashSet<string> { role }, false);

        var v1 = await TrainAsync(slug, 8, 15);
        var v2 = await TrainAsync(slug, 9, 20);
        var v3 = await TrainAsync(slug, 10, 25);
        await StageAsync(v1, VersionStage.Production);
        await StageAsync(v2, VersionStage.Production);
        await StageAsync(v3, VersionStage.Staging);

        // Rollback rules: the stakeholder proposes, compliance and an engineer sign (High tier).
        var outcomes = f.Host.Services.GetRequiredService<OutcomeService>();
        await using (var scope = f.Host.Services.CreateAsyncScope())
        {
            var approvals = ApprovalCalls.From(scope.ServiceProvider);
            var bad = await Should.ThrowAsync<PortalValidationException>(() => approvals.ModelChanges.ProposeRollbackRulesAsync(Person(biz, Roles.BusinessStakeholder), slug,
                [new RollbackRule("profit", "<", 1, 10)], "bad metric"));
            bad.Message.ShouldContain("'profit' is not a metric");
            (await Should.ThrowAsync<PortalForbiddenException>(() => approvals.ModelChanges.ProposeRollbackRulesAsync(Person(eng, Roles.MlEngineer), slug,
                [new RollbackRule("auc", "<", 0.6, 500)], "not mine"))).ShouldNotBeNull();
            var request = await approvals.ModelChanges.ProposeRollbackRulesAsync(Person(biz, Roles.BusinessStakeholder), slug,
                [new RollbackRule("auc", "<", 0.6, 500), new RollbackRule(RollbackRule.Fairness, "", 0, 500)], "Live AUC under 0.6 is worse than the old rules.");
            (await f.QueryAsync(db => db.Models.SingleAsync(m => m.Slug == slug))).RollbackRules.ShouldBeEmpty();
            await approvals.SignOffs.SignAsync(Person(co, Roles.ComplianceOfficer), request.Id, new SignOffInput(true, "agreed", Password: PortalTestHost.Password));
            (await approvals.SignOffs.SignAsync(Person(eng, Roles.MlEngineer), request.Id, new SignOffInput(true, "agreed", Password: PortalTestHost.Password)))
                .Status.ShouldBe(ApprovalStatus.Approved);
        }
        var model = await f.QueryAsync(db => db.Models.AsNoTracking().SingleAsync(m => m.Slug == slug));
        model.RollbackRules.Count.ShouldBe(2);
        model.RollbackRulesRequestId.ShouldNotBeNull();

        // The champion scores a batch; the Staging challenger shadow-scores it.
        var scoring = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), v2.Id, f.Compas, null));
        scoring.Status.ShouldBe(JobRunStatus.Succeeded, scoring.Error);
        scoring.Summary!.ShouldContain("Shadow-scored");
        var shadow = await f.QueryAsync(db => db.ShadowScorings.SingleAsync(s => s.Id == scoring.Id));
        shadow.ChallengerVersionId.ShouldBe(v3.Id);
        shadow.Rows.ShouldBe(7214);
        shadow.AgreementRate!.Value.ShouldBeInRange(0.5, 1.0);
        // Shadow output is no model's real output: not a dataset version, not a scoring job's product, not counted for v3.
        (await f.QueryAsync(db => db.DatasetVersions.AnyAsync(v => v.Sha256 == shadow.ShadowSha256))).ShouldBeFalse();
        (await f.QueryAsync(db => OutcomeService.ScoringOutputsAsync(db, model.Id, v3.Id, default))).ShouldBeEmpty();
        (await f.QueryAsync(db => OutcomeService.ScoringOutputsAsync(db, model.Id, v2.Id, default))).Count.ShouldBe(1);

        // Bad input first: no label column → a clear error, nothing stored.
        var uploadsBefore = await f.QueryAsync(db => db.DatasetVersions.CountAsync());
        var missing = await Should.ThrowAsync<PortalValidationException>(() => outcomes.AddAsync(Actor.Cli(), slug,
            new MemoryStream("id,label\n1,0\n"u8.ToArray()), "wrong.csv"));
        missing.Message.ShouldContain("two_year_recid");
        missing.Message.ShouldContain("Nothing was stored");
        (await f.QueryAsync(db => db.DatasetVersions.CountAsync())).ShouldBe(uploadsBefore);

        // Outcomes (flipped: the world moved away from the model) with 4 unknown keys and 3 repeated ones.
        var before = DateTime.UtcNow;
        var rows = Outcomes(3000, flip: true);
        var file = rows.Concat([("900001", "1"), ("900002", "0"), ("900003", "1"), ("900004", "0")]).Concat(rows.Take(3));
        var upload = await outcomes.AddAsync(Actor.Cli(), slug, Csv(file), "outcomes-week1.csv");
        upload.Rows.ShouldBe(3007);
        upload.Matched.ShouldBe(3000);
        upload.Unknown.ShouldBe(4);
        upload.UnknownSample.ShouldBe(["900001", "900002", "900003", "900004"]);
        upload.Duplicates.ShouldBe(3);
        upload.DuplicateSample.ShouldBe(rows.Take(3).Select(r => r.Id).ToList());
        upload.LabelledJobs.ShouldBe([scoring.Id]);
        (await f.QueryAsync(db => db.LineageEdges.AnyAsync(e => e.FromId == upload.DatasetVersionId.ToString() && e.ToId == scoring.Id.ToString() && e.Relation == "labels")))
            .ShouldBeTrue();
        // The same bytes again: refused, nothing counted twice.
        (await Should.ThrowAsync<PortalValidationException>(() => outcomes.AddAsync(Actor.Cli(), slug, Csv(file), "again.csv"))).Message.ShouldContain("uploaded before");

        // The upload queued a measurement: the rule fires, v2 leaves, v1 (the previous approved version) returns.
        var live = await LatestLiveRunAsync(before);
        live.Status.ShouldBe(JobRunStatus.Succeeded, live.Error);
        var snapshot = await f.QueryAsync(db => db.LivePerformanceSnapshots.SingleAsync(s => s.JobRunId == live.Id));
        snapshot.ModelVersionId.ShouldBe(v2.Id);
        snapshot.LabelledRows.ShouldBe(3000);
        snapshot.ScoredRows.ShouldBe(7214);
        snapshot.Metrics["auc"]!.Value.ShouldBeLessThan(0.5);
        snapshot.TrainingMetrics["auc"]!.Value.ShouldBeGreaterThan(0.6);
        snapshot.Fairness.Keys.ShouldBe(["race", "sex"], ignoreOrder: true);
        snapshot.Breaches.ShouldContain(b => b.Contains("Rollback rule: live auc < 0.6"));
        (await StageOfAsync(v2.Id)).ShouldBe(VersionStage.Archived);
        (await StageOfAsync(v1.Id)).ShouldBe(VersionStage.Production);
        var rollback = await f.QueryAsync(db => db.AutomaticRollbacks.SingleAsync(r => r.FromVersionId == v2.Id));
        rollback.ToVersionId.ShouldBe(v1.Id);
        rollback.RuleRequestId.ShouldBe(model.RollbackRulesRequestId);
        rollback.BreachAt.ShouldBe(upload.UploadedAt);
        var change = await f.QueryAsync(db => db.StageChanges.Where(h => h.ModelVersionId == v1.Id && h.Reason == "automatic-rollback").SingleAsync());
        change.RequestId.ShouldBe(model.RollbackRulesRequestId);
        change.SignedBy.ShouldContain(s => s.StartsWith("loop-co@x.test"));
        var incident = await f.QueryAsync(db => db.DriftAlerts.SingleAsync(a => a.Id == rollback.IncidentAlertId));
        incident.Severity.ShouldBe(AlertSeverity.Critical);
        incident.Cause.ShouldBe(MeasureLivePerformanceJob.RollbackCause);
        (await f.QueryAsync(db => db.Notifications.Where(n => n.Kind == "automatic-rollback").Select(n => n.UserName).ToListAsync()))
            .ShouldBe(["owner@x.test", "loop-co@x.test", "loop-eng@x.test", "loop-biz@x.test"], ignoreOrder: true);
        (await f.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "model.rolled-back-automatically" && e.EntityId == model.Id.ToString()))).ShouldBeTrue();

        // Measuring again finds v1 in Production with nothing scored: no second rollback.
        var again = DateTime.UtcNow;
        await f.Host.Services.GetRequiredService<MonitoringService>().StartLivePerformanceAsync(Actor.Cli(), slug);
        (await LatestLiveRunAsync(again)).Status.ShouldBe(JobRunStatus.Succeeded);
        (await f.QueryAsync(db => db.AutomaticRollbacks.CountAsync(r => r.ModelId == model.Id))).ShouldBe(1);

        // v1 scores and breaks the rule too: v2 was rolled back for a breach, so there is no version to return to.
        (await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), v1.Id, f.Compas, null))).Status.ShouldBe(JobRunStatus.Succeeded);
        var third = DateTime.UtcNow;
        await f.Host.Services.GetRequiredService<MonitoringService>().StartLivePerformanceAsync(Actor.Cli(), slug);
        (await LatestLiveRunAsync(third)).Status.ShouldBe(JobRunStatus.Succeeded);
        var impossible = await f.QueryAsync(db => db.AutomaticRollbacks.SingleAsync(r => r.FromVersionId == v1.Id));
        impossible.ToVersionId.ShouldBeNull();
        (await StageOfAsync(v1.Id)).ShouldBe(VersionStage.Production);
        (await StageOfAsync(v2.Id)).ShouldBe(VersionStage.Archived);
    }

    [Fact]
    public async Task ShouldSayIdentical_WhenAPortalTrainedVersionIsReproduced()
    {
        await f.CreateModelAsync("repro");
        var version = await TrainAsync("repro", 8, 12);
        var run = await f.FinishAsync(await f.Host.Services.GetRequiredService<MonitoringService>().StartReproduceAsync(Actor.Cli(), version.Id));
        run.Status.ShouldBe(JobRunStatus.Succeeded, run.Error);
        run.Summary!.ShouldStartWith("identical");
        var reproduction = await f.QueryAsync(db => db.Reproductions.SingleAsync(r => r.Id == run.Id));
        reproduction.Identical.ShouldBeTrue();
        reproduction.NewSha256.ShouldBe(version.PackageSha256);
        (await f.QueryAsync(db => db.ModelVersions.CountAsync(v => v.ModelId == version.ModelId))).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldApplyAtOnceOrAskForSignOff_WhenABandIsProposed()
    {
        await f.CreateModelAsync("band");
        var biz = await f.Host.CreateUserAsync("band-biz@x.test", Roles.BusinessStakeholder);
        var actor = new Actor(biz.Id, biz.UserName!, new HashSet<string> { Roles.BusinessStakeholder }, false);
        await using var scope = f.Host.Services.CreateAsyncScope();
        var approvals = ApprovalCalls.From(scope.ServiceProvider);
        (await Should.ThrowAsync<PortalValidationException>(() => approvals.ModelChanges.ProposeBandAsync(actor, "band", new ConfidenceBand(0.9, 0.1), "x")))
            .Message.ShouldContain("0 ≤ low < high ≤ 1");
        (await approvals.ModelChanges.ProposeBandAsync(actor, "band", new ConfidenceBand(0.05, 0.95), "no Production version yet")).ShouldBeNull();
        (await f.QueryAsync(db => db.Models.SingleAsync(m => m.Slug == "band"))).ConfidenceBand.ShouldBe(new ConfidenceBand(0.05, 0.95));
        var version = await TrainAsync("band", 8, 10);
        await StageAsync(version, VersionStage.Production);
        var request = await approvals.ModelChanges.ProposeBandAsync(actor, "band", new ConfidenceBand(0.1, 0.9), "tighter");
        request.ShouldNotBeNull();
        request.Kind.ShouldBe(ApprovalKinds.ConfidenceBand);
        (await f.QueryAsync(db => db.Models.SingleAsync(m => m.Slug == "band"))).ConfidenceBand.ShouldBe(new ConfidenceBand(0.05, 0.95));
    }
}
