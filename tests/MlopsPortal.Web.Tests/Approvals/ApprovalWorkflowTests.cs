using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.StageChanges;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Approvals;

public sealed class ApprovalFixture : IAsyncLifetime
{
    public ApprovalScenario Scenario { get; private set; } = default!;
    public async Task InitializeAsync() => Scenario = await ApprovalScenario.StartAsync();
    public async Task DisposeAsync() => await Scenario.DisposeAsync();
}

/// <summary>Promotion, rollback and criteria-change requests on SQLite: gates, sign-offs, segregation of duties, step-up, delegates, policies.</summary>
public sealed class ApprovalWorkflowTests(ApprovalFixture fixture) : IClassFixture<ApprovalFixture>
{
    private ApprovalScenario S => fixture.Scenario;

    [Fact]
    public async Task ShouldPromoteAndArchiveTheChampion_WhenEveryRequiredRoleSigns()
    {
        var model = await S.CreateModelAsync("promote-high", RiskTier.High);
        var v1 = await S.AddVersionAsync(model, 0.80);
        var first = await S.RequestAsync(v1.Id);
        first.GatesPassed.ShouldBeTrue(string.Join("; ", first.Gates.Select(g => g.Summary)));
        first.Required.Select(r => r.Role).ShouldBe([Roles.MlEngineer, Roles.BusinessStakeholder, Roles.ComplianceOfficer]);
        await S.SignAsync("eng2", first.Id);
        await S.SignAsync("biz", first.Id);
        (await S.StageAsync(v1.Id)).ShouldBe(VersionStage.None, "two of three sign-offs change nothing");
        (await S.SignAsync("co1", first.Id)).Status.ShouldBe(ApprovalStatus.Approved);
        (await S.StageAsync(v1.Id)).ShouldBe(VersionStage.Production);
        // The first Production version gets the model a daily drift report on what it scores.
        var drift = await S.QueryAsync(db => db.JobSchedules.SingleAsync(x => x.SubjectId == model.Id.ToString() && x.Kind == ReportDriftJob.Kind));
        drift.CronExpression.ShouldBe(MlopsPortal.Core.Drift.DriftService.DefaultScheduleCron);

        var v2 = await S.AddVersionAsync(model, 0.805);
        var second = await S.RequestAsync(v2.Id);
        second.Gates.Single(g => g.Gate == PromotionGates.Champion).Passed.ShouldBeTrue();
        foreach (var who in new[] { "eng2", "biz", "co2" }) await S.SignAsync(who, second.Id);

        (await S.StageAsync(v2.Id)).ShouldBe(VersionStage.Production);
        (await S.StageAsync(v1.Id)).ShouldBe(VersionStage.Archived);
        var history = await S.Host.Services.GetRequiredService<StageChangeService>().HistoryAsync(model.Id);
        history.Select(h => (h.VersionNumber, h.From, h.To, h.Reason)).ShouldBe(
        [
            (1, VersionStage.Production, VersionStage.Archived, "replaced"),
            (2, VersionStage.None, VersionStage.Production, ApprovalKinds.Promotion),
            (1, VersionStage.None, VersionStage.Production, ApprovalKinds.Promotion),
        ], ignoreOrder: true);
        history.First(h => h.VersionNumber == 2 && h.To == VersionStage.Production).SignedBy.Count.ShouldBe(3);
        var actions = await S.QueryAsync(db => db.AuditEvents.Where(e => e.EntityId == v1.Id.ToString() || e.EntityId == second.Id).Select(e => e.Action).ToListAsync());
        actions.ShouldContain("model-version.stage-changed");
        actions.ShouldContain("approval.approved");
        // Lineage joins the request and the version through the stage change it made.
        var lineage = await S.Host.Services.GetRequiredService<LineageService>().GetAsync(new LineageQuery(EntityKinds.ApprovalRequest, second.Id, LineageDirection.Down, 1));
        lineage.Nodes.Where(n => n.Kind == EntityKinds.StageChange).Select(n => n.Name).ShouldBe(["v2: None → Production", "v1: Production → Archived"], ignoreOrder: true);
        var change = lineage.Nodes.Single(n => n.Name == "v2: None → Production");
        lineage.Edges.ShouldContain(new LineageLink($"{EntityKinds.ApprovalRequest}:{second.Id}", change.Id, "decided"));
        await using var scope = S.Host.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<AuditTrailService>().VerifyAsync(Actor.Cli())).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldRefuseTheRequesterTheTrainerAndASecondRole_WhenTheySign()
    {
        var model = await S.CreateModelAsync("sod", RiskTier.High);
        var v = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v.Id);
        var self = await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("eng", request.Id));
        self.Message.ShouldContain("You made this request");
        var trainer = await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("trainer", request.Id));
        trainer.Message.ShouldContain("You trained this version");

        await S.SignAsync("both", request.Id, role: Roles.BusinessStakeholder);
        var again = await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("both", request.Id, role: Roles.ComplianceOfficer));
        again.Message.ShouldContain("one person counts for one role");
        var auditor = await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("ds", request.Id));
        auditor.Message.ShouldContain("still needs");
        (await S.QueryAsync(db => db.SignOffs.CountAsync(s => s.RequestId == request.Id))).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldRefuseWhoeverCreatedTheSchedule_WhenTheVersionCameFromAScheduledRun()
    {
        var model = await S.CreateModelAsync("scheduled", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.8, trainedBy: "schedule:nightly retraining (by user:eng2@x.test)");
        var request = await S.RequestAsync(v.Id);
        (await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("eng2", request.Id))).Message.ShouldContain("You trained this version");
        (await S.SignAsync("trainer", request.Id)).Status.ShouldBe(ApprovalStatus.Approved);
    }

    [Fact]
    public async Task ShouldRefuseSelfSignOffThroughTheApi_WithAProblemThatSaysWhy()
    {
        var model = await S.CreateModelAsync("sod-api", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.8);
        using var engineer = S.Host.CreateClient(await S.Host.CreateTokenAsync("eng@x.test", name: "sod-api"));
        var created = await engineer.PostAsJsonAsync("api/v1/promotion-requests", new { modelVersionId = v.Id, targetStage = "Production", justification = "Ready." });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<ApprovalBody>())!.Id;
        var self = await engineer.PostAsJsonAsync($"api/v1/approval-requests/{id}/sign-offs", new { approve = true, comment = "mine", password = PortalTestHost.Password });
        self.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await self.Content.ReadAsStringAsync()).ShouldContain("You made this request");

        using var other = S.Host.CreateClient(await S.Host.CreateTokenAsync("eng2@x.test", name: "sod-api"));
        var noPassword = await other.PostAsJsonAsync($"api/v1/approval-requests/{id}/sign-offs", new { approve = true, comment = "ok" });
        noPassword.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var signed = await other.PostAsJsonAsync($"api/v1/approval-requests/{id}/sign-offs", new { approve = true, comment = "ok", password = PortalTestHost.Password });
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await signed.Content.ReadFromJsonAsync<ApprovalBody>())!.Status.ShouldBe("Approved");
        (await S.StageAsync(v.Id)).ShouldBe(VersionStage.Production);
    }

    private sealed record ApprovalBody(string Id, string Status);

    [Fact]
    public async Task ShouldCloseTheRequestAndKeepTheStage_WhenASignerRejects()
    {
        var model = await S.CreateModelAsync("reject", RiskTier.Medium);
        var v = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v.Id);
        (await S.SignAsync("biz", request.Id, approve: false)).Status.ShouldBe(ApprovalStatus.Rejected);
        var late = await Should.ThrowAsync<PortalValidationException>(() => S.SignAsync("eng2", request.Id));
        late.Message.ShouldContain("rejected");
        (await S.StageAsync(v.Id)).ShouldBe(VersionStage.None);
        (await S.QueryAsync(db => db.Notifications.AnyAsync(n => n.UserName == "eng@x.test" && n.Kind == "request-rejected"))).ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldBlockSignOffs_UntilAnAdministratorOverridesAFailingGateWithAReason()
    {
        var model = await S.CreateModelAsync("gates", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.65, fairness: "fail");
        var request = await S.RequestAsync(v.Id);
        request.GatesPassed.ShouldBeFalse();
        request.Gates.Where(g => !g.Passed).Select(g => g.Gate).ShouldBe([PromotionGates.AcceptanceCriteria, PromotionGates.Fairness]);
        request.Gates.Single(g => g.Gate == PromotionGates.AcceptanceCriteria).Details!.ShouldContain("auc 0.65 >= 0.7: not met");
        (await Should.ThrowAsync<PortalValidationException>(() => S.SignAsync("eng2", request.Id))).Message.ShouldContain("A gate failed");

        await Should.ThrowAsync<PortalForbiddenException>(() => S.WithApprovalsAsync(a => a.Promotions.OverrideGatesAsync(S["co1"], request.Id, "x")));
        await Should.ThrowAsync<PortalValidationException>(() => S.WithApprovalsAsync(a => a.Promotions.OverrideGatesAsync(S["admin"], request.Id, "  ")));
        await S.WithApprovalsAsync(a => a.Promotions.OverrideGatesAsync(S["admin"], request.Id, "Regulator-approved exception #12"));
        (await S.SignAsync("eng2", request.Id)).Status.ShouldBe(ApprovalStatus.Approved);
        (await S.StageAsync(v.Id)).ShouldBe(VersionStage.Production);
        var view = await S.WithApprovalsAsync(a => a.ApprovalQueries.GetAsync(request.Id));
        view.Request.GateOverrideReason.ShouldBe("Regulator-approved exception #12");
        (await S.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "approval.gates-overridden" && e.EntityId == request.Id))).ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldAskForThePasswordOrCodeAgain_AndWriteNothingWhenItIsWrong()
    {
        var model = await S.CreateModelAsync("step-up", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v.Id);
        var wrong = await Should.ThrowAsync<PortalValidationException>(() =>
            S.WithApprovalsAsync(a => a.SignOffs.SignAsync(S["eng2"], request.Id, new SignOffInput(true, "fine", Password: "not-it"))));
        wrong.Message.ShouldContain("nothing was signed");
        await Should.ThrowAsync<PortalValidationException>(() =>
            S.WithApprovalsAsync(a => a.SignOffs.SignAsync(S["eng2"], request.Id, new SignOffInput(true, " ", Password: PortalTestHost.Password))));
        (await S.QueryAsync(db => db.SignOffs.CountAsync(s => s.RequestId == request.Id))).ShouldBe(0);
        (await S.QueryAsync(db => db.Users.Where(u => u.UserName == "eng2@x.test").Select(u => u.AccessFailedCount).SingleAsync())).ShouldBeGreaterThan(0);

        var key = await S.Host.EnableTwoFactorAsync("eng2@x.test");
        var signed = await S.WithApprovalsAsync(a => a.SignOffs.SignAsync(S["eng2"], request.Id, new SignOffInput(true, "fine", Code: Totp.Code(key))));
        signed.Status.ShouldBe(ApprovalStatus.Approved);
        (await S.QueryAsync(db => db.SignOffs.SingleAsync(s => s.RequestId == request.Id))).StepUp.ShouldBe("authenticator");
    }

    [Fact]
    public async Task ShouldRecordTheDelegate_WhenSomeoneSignsInTheStandOfAnOutOfOfficeColleague()
    {
        var model = await S.CreateModelAsync("delegate", RiskTier.High);
        var v = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v.Id);
        await S.WithApprovalsAsync(a => a.Delegations.DelegateAsync(S["co2"], "helper@x.test", DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddDays(3), "On leave"));
        var options = await S.WithApprovalsAsync(a => a.SignOffs.SigningOptionsAsync(S["helper"], request.Id));
        options.ShouldContain(o => o.Role == Roles.ComplianceOfficer && o.OnBehalfOfUserName == "co2@x.test");
        await S.SignAsync("helper", request.Id, role: Roles.ComplianceOfficer, onBehalfOf: "co2@x.test");
        var signOff = await S.QueryAsync(db => db.SignOffs.SingleAsync(s => s.RequestId == request.Id));
        (signOff.UserName, signOff.OnBehalfOfUserName, signOff.Role).ShouldBe(("helper@x.test", "co2@x.test", Roles.ComplianceOfficer));
        (await Should.ThrowAsync<PortalForbiddenException>(() => S.SignAsync("co2", request.Id))).Message.ShouldContain("already signed");
        await Should.ThrowAsync<PortalValidationException>(() =>
            S.WithApprovalsAsync(a => a.Delegations.DelegateAsync(S["co2"], "co2@x.test", DateTime.UtcNow, DateTime.UtcNow.AddDays(1), "self")));
    }

    [Fact]
    public async Task ShouldKeepThePolicyVersionARequestStartedWith_AndDenyATierWithoutPolicy()
    {
        var model = await S.CreateModelAsync("policy", RiskTier.Critical);
        var v1 = await S.AddVersionAsync(model, 0.8);
        var v2 = await S.AddVersionAsync(model, 0.8);
        var before = await S.RequestAsync(v1.Id, "Staging");
        before.Required.ShouldContain(new RoleRequirement(Roles.ComplianceOfficer, 2));
        await Should.ThrowAsync<PortalForbiddenException>(() => S.WithApprovalsAsync(a =>
            a.Policies.SetPolicyAsync(S["eng"], ApprovalKinds.Promotion, RiskTier.Critical, new([new(Roles.MlEngineer)], [new(Roles.MlEngineer)], 14, [], 0.01))));
        (await Should.ThrowAsync<PortalValidationException>(() => S.WithApprovalsAsync(a =>
            a.Policies.SetPolicyAsync(S["co1"], ApprovalKinds.Promotion, RiskTier.Critical, new([], [new(Roles.MlEngineer)], 14, [], 0.01))))).Message.ShouldContain("at least one role");
        var changed = await S.WithApprovalsAsync(a =>
            a.Policies.SetPolicyAsync(S["co1"], ApprovalKinds.Promotion, RiskTier.Critical, new([new(Roles.MlEngineer)], [new(Roles.MlEngineer), new(Roles.ComplianceOfficer, 2)], 7, [.. PromotionGates.All], 0.02)));
        changed.Version.ShouldBe(2);
        var after = await S.RequestAsync(v2.Id, "Staging");
        after.Required.ShouldBe([new RoleRequirement(Roles.MlEngineer)]);
        after.PolicyId.ShouldBe(changed.Id);
        (await S.WithApprovalsAsync(a => a.ApprovalQueries.GetAsync(before.Id))).Request.Required.Count.ShouldBe(3, "the open request keeps version 1");
        (await S.SignAsync("eng2", after.Id)).Status.ShouldBe(ApprovalStatus.Approved);
        (await S.StageAsync(v2.Id)).ShouldBe(VersionStage.Staging);

        // No policy at all for a kind and tier: denied, never promoted unchecked.
        await S.QueryAsync(db => db.ApprovalRequests.Where(r => r.PolicyId != null && db.ApprovalPolicies.Any(p => p.Id == r.PolicyId && p.RiskTier == RiskTier.Critical))
            .ExecuteUpdateAsync(x => x.SetProperty(r => r.PolicyId, (Guid?)null)));
        await S.QueryAsync(db => db.ApprovalPolicies.Where(p => p.Kind == ApprovalKinds.Promotion && p.RiskTier == RiskTier.Critical).ExecuteDeleteAsync());
        var lone = await S.CreateModelAsync("no-policy", RiskTier.Critical);
        var l1 = await S.AddVersionAsync(lone, 0.8);
        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(l1.Id))).Message.ShouldContain("no promotion policy for the Critical risk tier");
    }

    [Fact]
    public async Task ShouldExpireOpenRequestsAndRemindSigners_WhenTheExpiryJobRuns()
    {
        var model = await S.CreateModelAsync("expiry", RiskTier.Medium);
        var old = await S.RequestAsync((await S.AddVersionAsync(model, 0.8)).Id);
        var soon = await S.RequestAsync((await S.AddVersionAsync(model, 0.8)).Id, "Staging");
        await S.QueryAsync(db => db.ApprovalRequests.Where(r => r.Id == old.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        await S.QueryAsync(db => db.ApprovalRequests.Where(r => r.Id == soon.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTime.UtcNow.AddDays(1))));

        await using (var scope = S.Host.Services.CreateAsyncScope())
        {
            var schedules = scope.ServiceProvider.GetRequiredService<ScheduleService>();
            var id = (await schedules.ListAsync()).Single(x => x.Schedule.Kind == ExpireApprovalRequestsJob.Kind).Schedule.Id;
            var run = await schedules.RunNowAsync(Actor.Cli(), id);
            (await S.Host.WaitForRunAsync(r => r.Id == run.Id && !r.IsActive, "the expiry run")).Status.ShouldBe(JobRunStatus.Succeeded);
        }
        (await S.WithApprovalsAsync(a => a.ApprovalQueries.GetAsync(old.Id))).Request.Status.ShouldBe(ApprovalStatus.Expired);
        (await Should.ThrowAsync<PortalValidationException>(() => S.SignAsync("biz", old.Id))).Message.ShouldContain("expired");
        var reminded = await S.WithApprovalsAsync(a => a.ApprovalQueries.GetAsync(soon.Id));
        reminded.Request.Status.ShouldBe(ApprovalStatus.Open);
        reminded.Request.ReminderSentAt.ShouldNotBeNull();
        var notes = await S.QueryAsync(db => db.Notifications.Where(n => n.Link == $"/approvals/{soon.Id}" || n.Link == $"/approvals/{old.Id}").ToListAsync());
        notes.ShouldContain(n => n.Kind == "request-expired" && n.UserName == "eng@x.test");
        notes.ShouldContain(n => n.Kind == "request-expiring" && n.UserName == "biz@x.test");
        notes.ShouldNotContain(n => n.Kind == "request-expiring" && n.UserName == "trainer@x.test", "the trainer cannot sign, so is not reminded");
    }

    [Fact]
    public async Task ShouldChangeCriteriaOfAModelInProductionOnlyThroughSignOff()
    {
        var model = await S.CreateModelAsync("criteria", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.8);
        await S.SignAsync("eng2", (await S.RequestAsync(v.Id)).Id);
        List<AcceptanceCriterion> lower = [new("auc", ">=", 0.6, Roles.BusinessStakeholder)];
        await using (var scope = S.Host.Services.CreateAsyncScope())
            (await Should.ThrowAsync<PortalValidationException>(() =>
                scope.ServiceProvider.GetRequiredService<ModelService>().SetAcceptanceCriteriaAsync(S["biz"], "criteria", lower))).Message.ShouldContain("signed-off request");
        var request = (await S.WithApprovalsAsync(a => a.ModelChanges.ProposeCriteriaAsync(S["biz"], "criteria", lower, "Q3 targets changed.")))!;
        request.Required.Select(r => r.Role).ShouldBe([Roles.BusinessStakeholder, Roles.MlEngineer]);
        await S.SignAsync("eng2", request.Id);
        (await S.QueryAsync(db => db.Models.SingleAsync(m => m.Slug == "criteria"))).AcceptanceCriteria.Count.ShouldBe(2, "not yet: the stakeholder's sign-off is missing");
        await S.SignAsync("both", request.Id, role: Roles.BusinessStakeholder);
        (await S.QueryAsync(db => db.Models.SingleAsync(m => m.Slug == "criteria"))).AcceptanceCriteria.ShouldBe(lower);
    }

    [Fact]
    public async Task ShouldReturnAnEarlierVersionToProduction_WhenARollbackIsSignedUnderTheExpeditedPolicy()
    {
        var model = await S.CreateModelAsync("rollback", RiskTier.High);
        var v1 = await S.AddVersionAsync(model, 0.8);
        var first = await S.RequestAsync(v1.Id);
        foreach (var who in new[] { "eng2", "biz", "co1" }) await S.SignAsync(who, first.Id);
        var v2 = await S.AddVersionAsync(model, 0.8);
        var second = await S.RequestAsync(v2.Id);
        foreach (var who in new[] { "eng2", "biz", "co1" }) await S.SignAsync(who, second.Id);

        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(v2.Id, rollback: true))).Message.ShouldContain("already in Production");
        var rollback = await S.RequestAsync(v1.Id, rollback: true);
        rollback.Kind.ShouldBe(ApprovalKinds.Rollback);
        rollback.Required.Select(r => r.Role).ShouldBe([Roles.MlEngineer, Roles.ComplianceOfficer]);
        (rollback.ExpiresAt - rollback.RequestedAt).TotalDays.ShouldBe(2, 0.01);
        await S.SignAsync("eng2", rollback.Id);
        await S.SignAsync("co2", rollback.Id);
        (await S.StageAsync(v1.Id)).ShouldBe(VersionStage.Production);
        (await S.StageAsync(v2.Id)).ShouldBe(VersionStage.Archived);
        (await S.Host.Services.GetRequiredService<StageChangeService>().HistoryAsync(model.Id)).ShouldContain(h => h.VersionNumber == 1 && h.Reason == ApprovalKinds.Rollback && h.RequestId == rollback.Id);
    }

    [Fact]
    public async Task ShouldRefuseDelegatesWhoCannotSign_AndRollbacksToVersionsNeverInProduction()
    {
        var auditor = await S.Host.CreateUserAsync("reader@x.test", Roles.Auditor);
        (await Should.ThrowAsync<PortalValidationException>(() => S.WithApprovalsAsync(a =>
            a.Delegations.DelegateAsync(S["co1"], auditor.UserName!, DateTime.UtcNow, DateTime.UtcNow.AddDays(1), "leave")))).Message.ShouldContain("holds no role that signs");
        var model = await S.CreateModelAsync("guards", RiskTier.Low);
        var v1 = await S.AddVersionAsync(model, 0.8);
        var v2 = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v1.Id);
        await Should.ThrowAsync<PortalForbiddenException>(() => S.WithApprovalsAsync(a =>
            a.SignOffs.SignAsync(new Actor(auditor.Id, auditor.UserName!, new HashSet<string> { Roles.Auditor }, false), request.Id, new SignOffInput(true, "ok", Password: PortalTestHost.Password))));

        // v2 to Staging and to Production at once: Production finishes first; the Staging request can no longer take it out.
        var staging = await S.RequestAsync(v2.Id, "Staging");
        var production = await S.RequestAsync(v2.Id, "Production");
        await S.SignAsync("eng2", production.Id);
        (await Should.ThrowAsync<PortalValidationException>(() => S.SignAsync("eng2", staging.Id))).Message.ShouldContain("went to Production meanwhile");
        (await S.StageAsync(v2.Id)).ShouldBe(VersionStage.Production);

        var v3 = await S.AddVersionAsync(model, 0.8);
        await S.SignAsync("eng2", (await S.RequestAsync(v3.Id)).Id);
        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(v1.Id, rollback: true))).Message.ShouldContain("never in Production");
        (await S.RequestAsync(v2.Id, rollback: true)).Kind.ShouldBe(ApprovalKinds.Rollback);
    }

    [Fact]
    public async Task ShouldTellEveryoneWhoCanSign_AndNotTheRequesterOrTrainer()
    {
        var model = await S.CreateModelAsync("notify", RiskTier.Medium);
        var v = await S.AddVersionAsync(model, 0.8);
        var request = await S.RequestAsync(v.Id);
        var due = await S.QueryAsync(db => db.Notifications.Where(n => n.Link == $"/approvals/{request.Id}" && n.Kind == "request-due").Select(n => n.UserName).ToListAsync());
        due.ShouldContain("eng2@x.test");
        due.ShouldContain("biz@x.test");
        due.ShouldNotContain("eng@x.test");
        due.ShouldNotContain("trainer@x.test");
        (await S.WithApprovalsAsync(a => a.SignOffs.InboxAsync(S["biz"]))).ShouldContain(r => r.Id == request.Id);
        (await S.WithApprovalsAsync(a => a.SignOffs.InboxAsync(S["trainer"]))).ShouldNotContain(r => r.Id == request.Id);
        await S.SignAsync("biz", request.Id);
        (await S.WithApprovalsAsync(a => a.SignOffs.InboxAsync(S["biz"]))).ShouldNotContain(r => r.Id == request.Id);
    }

    [Fact]
    public async Task ShouldRefuseBadRequests_WithAClearReasonAndNothingWritten()
    {
        var model = await S.CreateModelAsync("bad-input", RiskTier.Low);
        var v = await S.AddVersionAsync(model, 0.8);
        var before = await S.QueryAsync(db => db.ApprovalRequests.CountAsync());
        (await Should.ThrowAsync<PortalValidationException>(() => S.WithApprovalsAsync(a =>
            a.Promotions.RequestPromotionAsync(S["eng"], new PromotionInput(v.Id, "Production", "  "))))).Message.ShouldContain("justification");
        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(v.Id, "Archived"))).Message.ShouldContain("Staging or Production");
        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(v.Id, rollback: true))).Message.ShouldContain("no Production version");
        await Should.ThrowAsync<PortalNotFoundException>(() => S.RequestAsync(Guid.NewGuid()));
        await Should.ThrowAsync<PortalForbiddenException>(() => S.RequestAsync(v.Id, who: "biz"));
        (await S.QueryAsync(db => db.ApprovalRequests.CountAsync())).ShouldBe(before);
        await S.RequestAsync(v.Id);
        (await Should.ThrowAsync<PortalValidationException>(() => S.RequestAsync(v.Id))).Message.ShouldContain("already asks");
    }
}
