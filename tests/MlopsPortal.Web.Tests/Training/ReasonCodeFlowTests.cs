using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>Reason texts signed by compliance, and one scored row explained in those words.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class ReasonCodeFlowTests(TrainingFixture f)
{
    private static readonly Actor Compliance = new(null, "compliance@x.test", new HashSet<string> { Roles.ComplianceOfficer }, false);

    private ModelService Models => f.Host.Services.GetRequiredService<ModelService>();

    [Fact]
    public async Task ShouldRefuseTextsForUnknownFeaturesOrTooLong_AndRecordTheSignerAndHash()
    {
        await f.CreateModelAsync("recid-texts");
        var unknown = await Should.ThrowAsync<PortalValidationException>(() => Models.SetReasonTextsAsync(Compliance, "recid-texts",
            [new("age", "Age"), new("income", "Income"), new("age", "Age again"), new("sex", new string('x', 201))]));
        unknown.Message.ShouldContain("'income' is not a feature of 'recid-texts'");
        unknown.Message.ShouldContain("'age' has more than one reason text.");
        unknown.Message.ShouldContain("one line of at most 200 characters");
        (await Should.ThrowAsync<PortalForbiddenException>(() => Models.SetReasonTextsAsync(
            new Actor(null, "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false), "recid-texts", [new("age", "Age")]))).ShouldNotBeNull();
        (await f.QueryAsync(db => db.Models.AsNoTracking().SingleAsync(m => m.Slug == "recid-texts"))).ReasonTexts.ShouldBeEmpty();

        var model = await Models.SetReasonTextsAsync(Compliance, "recid-texts", [new(" priors_count ", " Number of prior offences "), new("age", "Age of the defendant")]);
        model.ReasonTexts.ShouldBe([new ReasonText("age", "Age of the defendant"), new ReasonText("priors_count", "Number of prior offences")]);
        model.ReasonTextsSignedBy.ShouldBe("user:compliance@x.test");
        var signed = await f.QueryAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "model.reason-texts-signed" && e.EntityId == model.Id.ToString()));
        signed.Actor.ShouldBe("user:compliance@x.test");
        signed.Payload.ShouldContain("\"sha256\"");
        signed.Payload.ShouldContain("Number of prior offences");
    }

    [Fact]
    public async Task ShouldExplainOneScoredRowByItsKey_InTheSignedWords()
    {
        await f.CreateModelAsync("recid-reasons");
        var run = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-reasons", f.Compas, TrainingFixture.FewRounds(), 3)));
        var version = Guid.Parse(run.OutputEntityId!);
        await Models.SetReasonTextsAsync(Compliance, "recid-reasons", [new("priors_count", "Number of prior offences"), new("age", "Age of the defendant")]);

        var scored = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version, f.Compas, null, "cpu", reasons: 3));
        scored.Status.ShouldBe(JobRunStatus.Succeeded, scored.Error);
        var reasons = f.Host.Services.GetRequiredService<PredictionReasons>();
        var prediction = await reasons.FindAsync(Guid.Parse(scored.OutputEntityId!), "1");
        prediction.Key.ShouldBe("1");
        prediction.HasReasons.ShouldBeTrue();
        prediction.Reasons.Count.ShouldBe(3);
        prediction.Reasons.Select(r => Math.Abs(r.Contribution)).ShouldBeInOrder(SortDirection.Descending);
        prediction.Reasons.Where(r => r.Feature == "priors_count").ShouldAllBe(r => r.Text == "Number of prior offences");
        prediction.Reasons.Where(r => r.Feature is not ("priors_count" or "age")).ShouldAllBe(r => r.Text == null);
        prediction.PredictedLabel.ShouldBeOneOf("0", "1");

        (await Should.ThrowAsync<PortalNotFoundException>(() => reasons.FindAsync(Guid.Parse(scored.OutputEntityId!), "no-such-id")))
            .Message.ShouldBe("No row of these scores has the key 'no-such-id' (id).");
        (await Should.ThrowAsync<PortalValidationException>(() => reasons.FindAsync(f.Compas, "1")))
            .Message.ShouldContain("not the output of a scoring job");

        var plain = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version, f.Compas, 0.3));
        var withoutReasons = await reasons.FindAsync(Guid.Parse(plain.OutputEntityId!), "1");
        withoutReasons.HasReasons.ShouldBeFalse();
        withoutReasons.Reasons.ShouldBeEmpty();
    }
}
