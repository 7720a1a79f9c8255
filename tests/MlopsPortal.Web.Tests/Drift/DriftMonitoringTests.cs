using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;
using MlopsPortal.Web.Tests.Training;

namespace MlopsPortal.Web.Tests.Drift;

/// <summary>Drift reports as jobs on a trained COMPAS model: the verdict, one alert per cause, triage and retraining from an alert.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class DriftMonitoringTests(TrainingFixture f)
{
    private DriftService Drift => f.Host.Services.GetRequiredService<DriftService>();

    private static readonly Actor Engineer = new("e-id", "owner@x.test", new HashSet<string> { Roles.MlEngineer }, false);

    /// <summary>New data unlike COMPAS: older, more priors, mostly women, more felonies.</summary>
    private async Task<Guid> ShiftedDataAsync(string name) =>
        (await f.Host.Services.GetRequiredService<DatasetService>().AddAsync(Actor.Cli(), new MemoryStream(DriftSamples.NewCountyCsv()), name)).Version.Id;

    private async Task<DriftReportRecord> ReportAsync(string slug, Guid current, Guid version)
    {
        var run = await f.FinishAsync(await Drift.StartReportAsync(Engineer, new DriftReportRequest(slug, current, version)));
        run.Status.ShouldBe(JobRunStatus.Succeeded, run.Error);
        return await Drift.GetReportAsync(run.Id);
    }

    [Fact]
    public async Task ShouldRaiseOneAlertPerCause_AndAttachRepeats_WhenNewDataDrifts()
    {
        await f.CreateModelAsync("recid-drift");
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-drift", f.Compas, TrainingFixture.FewRounds(), 1)));
        var version = Guid.Parse(trained.OutputEntityId!);
        var shifted = await ShiftedDataAsync("compas-shifted");

        var same = await ReportAsync("recid-drift", f.Compas, version);
        same.DatasetDrift.ShouldBe(false);
        same.DriftedColumns.ShouldBe(0);

        var first = await ReportAsync("recid-drift", shifted, version);
        first.DatasetDrift.ShouldBe(true);
        var columns = JsonDocument.Parse(first.Report).RootElement.GetProperty("columns").EnumerateArray().ToList();
        columns.Select(c => c.GetProperty("column").GetString()).ShouldBe(["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"], ignoreOrder: true);
        columns.Single(c => c.GetProperty("column").GetString() == "age").GetProperty("test").GetString().ShouldBe("wassersteinNormed");
        columns[0].GetProperty("bins").GetProperty("labels").GetArrayLength().ShouldBeGreaterThan(0);

        var second = await ReportAsync("recid-drift", shifted, version);
        var alerts = await Drift.AlertsAsync(modelId: first.ModelId);
        var alert = alerts.Where(a => a.Cause == "dataset-drift").ShouldHaveSingleItem();
        // The model's scores moved too: older people with more priors get higher risk scores.
        var prediction = JsonDocument.Parse(first.Report).RootElement.GetProperty("prediction");
        prediction.GetProperty("column").GetString().ShouldBe("score");
        prediction.GetProperty("drifted").GetBoolean().ShouldBeTrue();
        alerts.Where(a => a.Cause == "prediction-drift").ShouldHaveSingleItem().Reports.ShouldBe(2);
        JsonDocument.Parse(same.Report).RootElement.GetProperty("prediction").GetProperty("drifted").GetBoolean().ShouldBeFalse();
        (alert.FirstReportId, alert.LastReportId, alert.Reports).ShouldBe((first.Id, second.Id, 2));
        alert.Severity.ShouldBe(AlertSeverity.Critical);
        // The summary says which features drifted, by name, in words (not "columns of … drifted (83%; the policy says 50%)").
        var driftedNames = columns.Where(c => c.GetProperty("drifted").ValueKind == JsonValueKind.True).Select(c => c.GetProperty("column").GetString()!).ToList();
        alert.Summary.ShouldStartWith($"recid-drift v1: {driftedNames.Count} of {first.JudgedColumns} features drifted (");
        alert.Summary.ShouldEndWith(" — " + DriftWords.Names(driftedNames));
        alerts.Single(a => a.Cause == "prediction-drift").Summary.ShouldStartWith("recid-drift v1: scores shifted (");
        alert.DataArrivedAt.ShouldBeLessThanOrEqualTo(alert.RaisedAt);
        (await f.QueryAsync(db => db.Notifications.AnyAsync(n => n.UserName == "owner@x.test" && n.Kind == "drift-alert"))).ShouldBeTrue();
        (await f.QueryAsync(db => db.LineageEdges.CountAsync(e => e.ToId == alert.Id.ToString()))).ShouldBe(2);
        (await Drift.TrendsAsync(second))["age"].Count.ShouldBe(3);
    }

    [Fact]
    public async Task ShouldRecordEveryTriageStep_AndRetrainWithTheAlertAsTrigger()
    {
        await f.CreateModelAsync("recid-triage");
        // Its own copy of COMPAS: the retraining below reads the newest version of the dataset the alert's version trained on.
        var datasets = f.Host.Services.GetRequiredService<DatasetService>();
        var lines = await File.ReadAllLinesAsync(TrainingFixture.CompasFile);
        Stream Rows(int count) => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines.Take(count + 1)) + "\n"));
        var v1 = (await datasets.AddAsync(Actor.Cli(), Rows(6000), "compas-triage")).Version.Id;
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-triage", v1, TrainingFixture.FewRounds(), 1)));
        var report = await ReportAsync("recid-triage", await ShiftedDataAsync("compas-shifted-2"), Guid.Parse(trained.OutputEntityId!));
        var alert = (await Drift.AlertsAsync(modelId: report.ModelId)).Single(a => a.Cause == "dataset-drift");
        var stakeholder = Engineer with { Roles = new HashSet<string> { Roles.BusinessStakeholder } };

        await Should.ThrowAsync<PortalForbiddenException>(() => Drift.AcknowledgeAsync(stakeholder, alert.Id));
        await Drift.AcknowledgeAsync(Engineer, alert.Id);
        await Should.ThrowAsync<PortalValidationException>(() => Drift.AcknowledgeAsync(Engineer, alert.Id));
        (await Should.ThrowAsync<PortalValidationException>(() => Drift.AssignAsync(Engineer, alert.Id, "nobody@x.test"))).Message.ShouldContain("No user named");
        // Only people who may triage are offered and accepted: a stakeholder could not acknowledge or resolve what they were given.
        await f.Host.CreateUserAsync("viewer-triage@x.test", Roles.BusinessStakeholder);
        var assignees = await Drift.AssigneesAsync();
        assignees.Select(a => a.UserName).ShouldContain("owner@x.test");
        assignees.Select(a => a.UserName).ShouldNotContain("viewer-triage@x.test");
        (await Should.ThrowAsync<PortalValidationException>(() => Drift.AssignAsync(Engineer, alert.Id, "viewer-triage@x.test"))).Message.ShouldContain("cannot triage");
        await Drift.AssignAsync(Engineer, alert.Id, "owner@x.test");
        await Drift.CommentAsync(Engineer, alert.Id, "Older population from the new county.");
        // New labelled rows arrive as a new version; the retraining keeps the recipe (parameters and seed) and takes them.
        var v2 = (await datasets.AddAsync(Actor.Cli(), Rows(lines.Length - 1), "compas-triage")).Version.Id;
        var run = await f.FinishAsync(await Drift.RetrainAsync(Engineer, alert.Id));
        run.Status.ShouldBe(JobRunStatus.Succeeded, run.Error);
        run.TriggeredBy.ShouldBe($"drift-alert:{alert.Id} (by user:owner@x.test)");
        var retrained = await f.QueryAsync(db => db.ModelVersions.SingleAsync(v => v.Id == Guid.Parse(run.OutputEntityId!)));
        MlopsPortal.Core.Approvals.RequestSteps.ResponsiblePerson(retrained.TrainedBy).ShouldBe("user:owner@x.test");
        retrained.TrainingDatasetVersionId.ShouldBe(v2);
        var original = await f.QueryAsync(db => db.ModelVersions.SingleAsync(v => v.Id == Guid.Parse(trained.OutputEntityId!)));
        (retrained.Seed, retrained.Hyperparameters["num_boost_round"]).ShouldBe((original.Seed, original.Hyperparameters["num_boost_round"]));
        (await f.QueryAsync(db => db.TrainingRuns.SingleAsync(r => r.Id == run.Id))).Trigger.ShouldBe(TrainingTriggers.DriftAlert);

        // The retrained version asks for Production by itself, in the name of who clicked retrain, and waits at its gates.
        var request = await f.QueryAsync(db => db.ApprovalRequests.SingleAsync(r => r.SubjectId == retrained.Id.ToString()));
        (request.RequestedBy, request.Blocked).ShouldBe(("user:owner@x.test", true));
        request.Gates.Single(g => g.Gate == MlopsPortal.Core.Approvals.PromotionGates.AcceptanceCriteria).Summary.ShouldContain("has no evaluation");
        (await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), retrained.Id, f.Compas, null))).Status.ShouldBe(JobRunStatus.Succeeded);
        var ownerId = await f.QueryAsync(db => db.Users.Where(u => u.UserName == "owner@x.test").Select(u => u.Id).SingleAsync());
        await using (var scope = f.Host.Services.CreateAsyncScope())
        {
            var approvals = ApprovalCalls.From(scope.ServiceProvider);
            await Should.ThrowAsync<PortalForbiddenException>(() => approvals.Promotions.RecheckGatesAsync(Engineer, request.Id));
            var rechecked = await approvals.Promotions.RecheckGatesAsync(Engineer with { UserId = ownerId }, request.Id);
            rechecked.Gates.Single(g => g.Gate == MlopsPortal.Core.Approvals.PromotionGates.AcceptanceCriteria).EvidenceKind.ShouldBe("evaluation");
        }

        (await Should.ThrowAsync<PortalValidationException>(() => Drift.ResolveAsync(Engineer, alert.Id, " "))).Message.ShouldContain("reason");
        await Drift.ResolveAsync(Engineer, alert.Id, "Retrained on the new population.");
        var (closed, events) = await Drift.GetAlertAsync(alert.Id);
        closed.Status.ShouldBe(AlertStatus.Resolved);
        closed.AcknowledgedAt.ShouldNotBeNull();
        closed.RetrainingRunId.ShouldBe(run.Id);
        events.Select(e => e.Action).ShouldBe(["acknowledged", "assigned", "commented", "retraining-started", "resolved"]);
        var audited = await f.QueryAsync(db => db.AuditEvents.Where(e => e.EntityId == alert.Id.ToString()).Select(e => e.Action).ToListAsync());
        audited.ShouldContain("drift-alert.raised");
        audited.ShouldContain("drift-alert.resolved");
        await Should.ThrowAsync<PortalValidationException>(() => Drift.DismissAsync(Engineer, alert.Id, "late"));
    }

    [Fact]
    public async Task ShouldCompareWhatTheVersionScored_WhenNoDatasetVersionIsNamed()
    {
        await f.CreateModelAsync("recid-window");
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest("recid-window", f.Compas, TrainingFixture.FewRounds(), 1)));
        var version = Guid.Parse(trained.OutputEntityId!);
        var empty = await f.FinishAsync(await Drift.StartReportAsync(Engineer, new DriftReportRequest("recid-window", ModelVersionId: version, WindowHours: 24)));
        empty.Status.ShouldBe(JobRunStatus.Succeeded, empty.Error);
        empty.Summary!.ShouldContain("scored nothing in the last 24 hours");

        (await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version, f.Compas, null))).Status.ShouldBe(JobRunStatus.Succeeded);
        (await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version, await ShiftedDataAsync("compas-shifted-window"), null))).Status.ShouldBe(JobRunStatus.Succeeded);
        var run = await f.FinishAsync(await Drift.StartReportAsync(Engineer, new DriftReportRequest("recid-window", ModelVersionId: version, WindowHours: 24)));
        var report = await Drift.GetReportAsync(run.Id);
        run.Summary!.ShouldContain("from 2 scoring inputs");
        var age = JsonDocument.Parse(report.Report).RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "age");
        age.GetProperty("rowsCurrent").GetInt32().ShouldBe(7214 + 600);
        (await f.QueryAsync(db => db.LineageEdges.CountAsync(e => e.ToId == report.Id.ToString() && e.Relation == "current"))).ShouldBe(2);
    }

    [Fact]
    public async Task ShouldRefuseAReport_WithoutAReferenceToCompareWith()
    {
        await f.CreateModelAsync("recid-no-ref");
        (await Should.ThrowAsync<PortalValidationException>(() => Drift.StartReportAsync(Engineer, new DriftReportRequest("recid-no-ref", f.Compas))))
            .Message.ShouldContain("no Production version");
        await Should.ThrowAsync<PortalNotFoundException>(() => Drift.StartReportAsync(Engineer, new DriftReportRequest("no-such-model", f.Compas)));
    }
}
