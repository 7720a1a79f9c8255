using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;
using MlopsPortal.Web.Tests.Training;

namespace MlopsPortal.Web.Tests.Fairness;

/// <summary>Fairness audits as jobs: a version's decisions or the data's predictions, judged by the tier's policy.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class FairnessAuditTests(TrainingFixture f)
{
    private FairnessService Fairness => f.Host.Services.GetRequiredService<FairnessService>();
    private static readonly Actor Compliance = new("c1", "compliance@x.test", new HashSet<string> { Roles.ComplianceOfficer }, false);

    [Fact]
    public async Task ShouldAuditTheDataPredictions_MatchingTheIndependentCounts()
    {
        await using var file = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "expected", "compas-propublica.csv"));
        var data = (await f.Host.Services.GetRequiredService<DatasetService>().AddAsync(Actor.Cli(), file, "compas-propublica")).Version.Id;

        var done = await f.FinishAsync(await Fairness.StartAuditAsync(Actor.Cli(), new FairnessAuditRequest
        {
            DatasetVersionId = data, LabelColumn = "two_year_recid", PredictionColumn = "high_risk", Sensitive = ["race"], Bootstrap = 0,
        }));

        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        var audit = await Fairness.GetAsync(done.Id);
        audit.Verdict.ShouldBe("fail");
        var report = FairnessService.Read(audit.Report)!;
        report.Rows.ShouldBe(6172);
        report.Groups.Single(g => g.Group == "African-American").Fpr!.Value.ShouldBe(641.0 / (641 + 873), 1e-15);
        audit.Policy.ShouldContain("\"riskTier\":\"Medium\""); // no model: the default policy
        (await f.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "fairness-audit.completed" && e.EntityId == done.Id.ToString()))).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldAuditAVersionsDecisions_AndJudgeByTheTiersPolicyAsItWasThen()
    {
        await f.CreateModelAsync("recid-fair");
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-fair", f.Compas, TrainingFixture.FewRounds(), 2)));
        var version = Guid.Parse(trained.OutputEntityId!);
        var request = new FairnessAuditRequest { ModelVersionId = version, DatasetVersionId = f.Compas, Intersectional = true, Bootstrap = 40, Seed = 5 };

        var first = await f.FinishAsync(await Fairness.StartAuditAsync(Actor.Cli(), request));
        first.Status.ShouldBe(JobRunStatus.Succeeded, first.Error);
        var strict = await Fairness.GetAsync(first.Id);
        strict.Sensitive.ShouldBe(["race", "sex"]); // the model's sensitive attributes
        strict.Threshold.ShouldBe(0.5);
        var report = FairnessService.Read(strict.Report)!;
        report.Rows.ShouldBe(7214);
        report.Disparities.Keys.ShouldBe(["race", "sex", "race&sex"]);
        report.Groups.First().Ci.ShouldNotBeNull();
        strict.Verdict.ShouldBe("fail");

        // A (very) lenient policy for the High tier: the next audit passes; the first keeps the thresholds it was judged by.
        await Fairness.SetPolicyAsync(Compliance, RiskTier.High, new FairnessPolicyValues(0.01, 0.02, 0.99, 0.98, 30));
        var second = await f.FinishAsync(await Fairness.StartAuditAsync(Actor.Cli(), request));
        var lenient = await Fairness.GetAsync(second.Id);
        lenient.Verdict.ShouldBe("pass");
        lenient.Policy.ShouldContain("\"differenceFail\":0.99");
        (await Fairness.GetAsync(first.Id)).Policy.ShouldContain("\"differenceFail\":0.1");
        (await Fairness.ForVersionAsync(version)).Select(a => a.Id).ShouldBe([second.Id, first.Id]);
        (await f.QueryAsync(db => db.LineageEdges.CountAsync(e => e.ToId == first.Id.ToString()))).ShouldBe(2);
        await Fairness.SetPolicyAsync(Compliance, RiskTier.High, new FairnessPolicyValues(0.8, 0.9, 0.1, 0.05, 30));

        // The next version's audit is compared with the newest audit of version 1.
        var retrained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-fair", f.Compas, TrainingFixture.FewRounds(), 3)));
        var next = await f.FinishAsync(await Fairness.StartAuditAsync(Actor.Cli(), request with { ModelVersionId = Guid.Parse(retrained.OutputEntityId!) }));
        var previous = await Fairness.PreviousVersionAuditAsync(await Fairness.GetAsync(next.Id));
        previous.ShouldNotBeNull();
        previous.Value.Version.ShouldBe(1);
        previous.Value.Audit.Id.ShouldBe(second.Id);
        (await Fairness.PreviousVersionAuditAsync(strict)).ShouldBeNull();
    }

    [Fact]
    public async Task ShouldRefuseBadRequestsAndPolicies_AndQueueNothing()
    {
        var before = await f.QueryAsync(db => db.JobRuns.CountAsync());
        (await Should.ThrowAsync<PortalValidationException>(() => Fairness.StartAuditAsync(Actor.Cli(), new FairnessAuditRequest
        {
            DatasetVersionId = f.Compas, LabelColumn = "two_year_recid", PredictionColumn = "is_recid", Sensitive = ["ethnicity"],
        }))).Message.ShouldContain("no column 'ethnicity'");
        (await Should.ThrowAsync<PortalValidationException>(() => Fairness.StartAuditAsync(Actor.Cli(), new FairnessAuditRequest { DatasetVersionId = f.Compas })))
            .Message.ShouldContain("Name a model version, or the label and prediction columns");
        (await Should.ThrowAsync<PortalValidationException>(() => Fairness.StartAuditAsync(Actor.Cli(), new FairnessAuditRequest
        {
            DatasetVersionId = f.Compas, LabelColumn = "two_year_recid", PredictionColumn = "is_recid", Sensitive = ["race"], Bootstrap = 50_000,
        }))).Message.ShouldContain("between 0 and 10,000");
        (await f.QueryAsync(db => db.JobRuns.CountAsync())).ShouldBe(before);

        (await Should.ThrowAsync<PortalValidationException>(() => Fairness.SetPolicyAsync(Compliance, RiskTier.Low, new FairnessPolicyValues(0.9, 0.8, 0.1, 0.2, 0))))
            .Message.ShouldBe("The disparate impact warning line must be at or above the failing line. The difference warning line must be at or below the failing line. The smallest group size is between 1 and 1,000,000 rows.");
        await Should.ThrowAsync<PortalForbiddenException>(() => Fairness.SetPolicyAsync(
            new Actor("e1", "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false), RiskTier.Low, new FairnessPolicyValues(0.8, 0.9, 0.1, 0.05, 30)));
    }
}
