using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Scheduling.Jobs;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Core.Users;
using MlopsPortal.Testing;
using MlopsPortal.Web.Cli;

namespace MlopsPortal.Web.Tests.Security;

/// <summary>
/// docs/roles.md against the code: every page and endpoint of the running portal is evaluated with
/// its real authorization policy for each role, and every service action is tried as each role.
/// </summary>
public sealed class RoleMatrixTests : IAsyncLifetime
{
    private static readonly string[] Columns = [.. Roles.All, RolesDocument.Anonymous];
    private PortalTestHost _host = default!;
    private readonly RolesDocument _doc = RolesDocument.Load();

    public async Task InitializeAsync() => _host = await PortalTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ClaimsPrincipal PrincipalFor(string column) => column == RolesDocument.Anonymous
        ? new ClaimsPrincipal(new ClaimsIdentity())
        : new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "u1"), new Claim(ClaimTypes.Name, "u@x.test"), new Claim(ClaimTypes.Role, column)],
            "Test", ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Pages (keyed by route) and endpoints (keyed by "METHOD /route") of the running app.</summary>
    private Dictionary<string, Endpoint> Endpoints(bool pages)
    {
        var result = new Dictionary<string, Endpoint>();
        var sources = _host.Services.GetRequiredService<EndpointDataSource>();
        foreach (var e in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
            if (route.StartsWith("/_") || e.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor") || route.Contains("{**"))
                continue;
            var isPage = e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            if (isPage != pages) continue;
            if (isPage)
                result[route] = e;
            else
                // HEAD is answered wherever GET is, with GET's roles (docs/roles.md): the table lists GET only.
                foreach (var method in (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Where(m => m != "HEAD"))
                    result[$"{method} {route}"] = e;
        }
        return result;
    }

    private async Task<bool> AllowsAsync(Endpoint endpoint, string column)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            return true;
        var provider = _host.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        policy.ShouldNotBeNull($"{endpoint.DisplayName} declares no roles: add [Authorize(Policy = ...)] or [AllowAnonymous].");
        var auth = _host.Services.GetRequiredService<IAuthorizationService>();
        return (await auth.AuthorizeAsync(PrincipalFor(column), policy)).Succeeded;
    }

    private async Task CheckAsync(string table, bool pages)
    {
        var documented = _doc.Table(table);
        var actual = Endpoints(pages);
        var problems = new List<string>();
        foreach (var key in actual.Keys.Except(documented.Keys))
            problems.Add($"{key} exists but docs/roles.md does not list it");
        foreach (var key in documented.Keys.Except(actual.Keys))
            problems.Add($"{key} is in docs/roles.md but the portal has no such {(pages ? "page" : "endpoint")}");
        foreach (var (key, endpoint) in actual.Where(a => documented.ContainsKey(a.Key)))
            foreach (var column in Columns)
            {
                var allowed = await AllowsAsync(endpoint, column);
                if (allowed != documented[key][column])
                    problems.Add($"{key} {(allowed ? "allows" : "denies")} {column}, docs/roles.md says it {(documented[key][column] ? "allows" : "denies")}");
            }
        problems.ShouldBeEmpty();
    }

    [Fact]
    public Task ShouldAllowAndDenyEachRoleAsDocumented_WhenPagesAreEvaluated() => CheckAsync("Page", pages: true);

    [Fact]
    public Task ShouldAllowAndDenyEachRoleAsDocumented_WhenEndpointsAreEvaluated() => CheckAsync("Endpoint", pages: false);

    [Fact]
    public void ShouldDocumentEveryCommand_WhenTheCommandTreeIsListed()
    {
        var root = PortalCommandLine.BuildRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, []));
        var commands = new List<string>();
        foreach (var c in root.Subcommands)
        {
            if (c.Subcommands.Count == 0) commands.Add(c.Name);
            commands.AddRange(c.Subcommands.Select(s => $"{c.Name} {s.Name}"));
        }
        commands.Order().ShouldBe(_doc.Table("Command").Keys.Order());
    }

    [Fact]
    public async Task ShouldAllowAndDenyEachRoleAsDocumented_WhenServiceActionsAreTried()
    {
        var documented = _doc.Table("Action");
        var target = await _host.CreateUserAsync("target@x.test", Roles.DataScientist);
        var problems = new List<string>();
        foreach (var (action, allowedBy) in documented)
            foreach (var role in Roles.All)
            {
                var actorUser = await _host.CreateUserAsync($"{action.Replace('.', '-')}-{role}@x.test".ToLowerInvariant(), role);
                var actor = new Actor(actorUser.Id, actorUser.UserName!, new HashSet<string> { role }, false);
                var allowed = await TryAsync(action, actor, target);
                if (allowed != allowedBy[role])
                    problems.Add($"{action} {(allowed ? "allows" : "denies")} {role}, docs/roles.md says it {(allowedBy[role] ? "allows" : "denies")}");
            }
        problems.ShouldBeEmpty();
    }

    private static ScheduleService Schedules(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<ScheduleService>();

    private static async Task<Guid> RetentionScheduleAsync(AsyncServiceScope scope) =>
        (await Schedules(scope).ListAsync()).Single(v => v.Schedule.Kind == ApplyRetentionJob.Kind).Schedule.Id;

    private static MlopsPortal.Core.Datasets.DatasetService Datasets(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Datasets.DatasetService>();

    private static MlopsPortal.Core.ModelRegistry.ModelService Models(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.ModelRegistry.ModelService>();

    /// <summary>A dataset whose second column, "race", is marked sensitive when it is added.</summary>
    private static async Task<string> MatrixDatasetAsync(AsyncServiceScope scope)
    {
        await Datasets(scope).AddAsync(Actor.Cli(), new MemoryStream("id,race\n1,b\n"u8.ToArray()), "matrix-sensitive");
        return "matrix-sensitive";
    }

    private static MlopsPortal.Core.ModelRegistry.ModelDefinition MatrixModel(string? slug) => new()
    {
        Slug = slug, DisplayName = "Matrix", Owners = ["target@x.test"], RiskTier = "low", Task = "binaryClassification",
        LabelColumn = "y", PositiveLabel = "1", FeatureColumns = ["a"],
    };

    private static MlopsPortal.Core.Training.TrainingService Training(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Training.TrainingService>();

    private static async Task<string> MatrixModelAsync(AsyncServiceScope scope)
    {
        if (!(await Models(scope).PageAsync("matrix-model", null, 0, 1)).Items.Any())
            await Models(scope).CreateAsync(Actor.Cli(), MatrixModel("matrix-model"));
        return "matrix-model";
    }

    private static ApprovalCalls Approvals(AsyncServiceScope scope) =>
        ApprovalCalls.From(scope.ServiceProvider);

    private static MlopsPortal.Core.Notifications.NotificationCenter Center(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Notifications.NotificationCenter>();

    private async Task<bool> TryAsync(string action, Actor actor, PortalUser target)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        try
        {
            switch (action)
            {
                case "user.create": await admin.CreateAsync(actor, $"new-{Guid.NewGuid():N}@x.test", "n", PortalTestHost.Password, []); break;
                case "user.lock": await admin.LockAsync(actor, target.Id, "matrix"); await admin.UnlockAsync(Actor.Cli(), target.Id); break;
                case "role.grant": await admin.GrantRoleAsync(actor, target.Id, Roles.Auditor); await admin.RevokeRoleAsync(Actor.Cli(), target.Id, Roles.Auditor); break;
                case "role-grant.decide":
                    try { await admin.DecideRoleGrantAsync(actor, "no-such-request", true, null); }
                    catch (PortalNotFoundException) { /* got past the role check */ }
                    break;
                case "audit.verify": await scope.ServiceProvider.GetRequiredService<AuditTrailService>().VerifyAsync(actor); break;
                case "token.create-own": await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(actor, actor.UserId!, "m", 1, true); break;
                case "token.revoke-others":
                    var tokens = scope.ServiceProvider.GetRequiredService<ApiTokenService>();
                    var theirs = await tokens.CreateAsync(Actor.Cli(), target.Id, "theirs", 1, true);
                    await tokens.RevokeAsync(actor, theirs.Token.Id);
                    break;
                case "schedule.edit": await Schedules(scope).UpdateAsync(actor, await RetentionScheduleAsync(scope), "0 30 3 * * ?", "UTC"); break;
                case "schedule.pause": await Schedules(scope).PauseAsync(actor, await RetentionScheduleAsync(scope)); await Schedules(scope).ResumeAsync(Actor.Cli(), await RetentionScheduleAsync(scope)); break;
                case "schedule.resume":
                    await Schedules(scope).PauseAsync(Actor.Cli(), await RetentionScheduleAsync(scope));
                    try { await Schedules(scope).ResumeAsync(actor, await RetentionScheduleAsync(scope)); }
                    finally { if ((await Schedules(scope).GetAsync(await RetentionScheduleAsync(scope))).Paused) await Schedules(scope).ResumeAsync(Actor.Cli(), await RetentionScheduleAsync(scope)); }
                    break;
                case "schedule.run-now": await Schedules(scope).RunNowAsync(actor, await RetentionScheduleAsync(scope)); break;
                case "job.cancel":
                    // Someone else's queued run (a GPU run waits on this CPU-only portal).
                    var queued = await scope.ServiceProvider.GetRequiredService<JobService>().RequestDiagnosticAsync(Actor.Cli(), new DiagnosticPayload(RequiresGpu: true));
                    await scope.ServiceProvider.GetRequiredService<JobService>().CancelAsync(actor, queued.Id);
                    break;
                case "job.cluster-check": await scope.ServiceProvider.GetRequiredService<JobService>().RequestDiagnosticAsync(actor, new DiagnosticPayload()); break;
                case "dataset.add":
                    await Datasets(scope).AddAsync(actor, new MemoryStream("a,b\n1,2\n"u8.ToArray()), $"matrix-{Guid.NewGuid():N}"[..20]);
                    break;
                case "dataset.register-path":
                    try { await Datasets(scope).RegisterPathAsync(actor, "/nowhere/file.csv", "matrix-path"); }
                    catch (PortalValidationException) { /* got past the role check: path registration is off in this host */ }
                    break;
                case "dataset.update": await Datasets(scope).UpdateAsync(actor, await MatrixDatasetAsync(scope), $"described by {actor.Name}", null); break;
                case "dataset.preview-sensitive":
                    var version = (await Datasets(scope).GetAsync(await MatrixDatasetAsync(scope))).Versions[0];
                    return (await Datasets(scope).PreviewAsync(actor, version.Id)).Rows[0][1] == "b";
                case "model.create": await Models(scope).CreateAsync(actor, MatrixModel($"m-{Guid.NewGuid():N}"[..20])); break;
                case "model.update": await Models(scope).UpdateAsync(actor, await MatrixModelAsync(scope), MatrixModel(null) with { Team = actor.Name }); break;
                case "model.set-acceptance-criteria":
                    await Models(scope).SetAcceptanceCriteriaAsync(actor, await MatrixModelAsync(scope), [new("auc", ">=", 0.6, Roles.BusinessStakeholder)]);
                    break;
                case "model.sign-reason-texts":
                    await Models(scope).SetReasonTextsAsync(actor, await MatrixModelAsync(scope), []);
                    break;
                // Past the role check each of these meets a missing dataset or version (or an empty feature list): that counts as allowed.
                case "training.start":
                    try { await Training(scope).StartRunAsync(actor, new(await MatrixModelAsync(scope), Guid.NewGuid())); }
                    catch (PortalNotFoundException) { }
                    break;
                case "model-version.register":
                    try { await Training(scope).RegisterExternalAsync(actor, new(await MatrixModelAsync(scope), [], [])); }
                    catch (PortalValidationException) { }
                    break;
                case "evaluation.start":
                    try { await Training(scope).StartEvaluationAsync(actor, Guid.NewGuid(), Guid.NewGuid(), null); }
                    catch (PortalNotFoundException) { }
                    break;
                case "scoring.start":
                    try { await Training(scope).StartScoringAsync(actor, Guid.NewGuid(), Guid.NewGuid(), null); }
                    catch (PortalNotFoundException) { }
                    break;
                case "fairness-audit.start":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Fairness.FairnessService>().StartAuditAsync(actor, new() { DatasetVersionId = Guid.NewGuid() }); }
                    catch (PortalNotFoundException) { }
                    break;
                case "fairness-policy.edit":
                    await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Fairness.FairnessService>()
                        .SetPolicyAsync(actor, MlopsPortal.Core.ModelRegistry.RiskTier.Low, new(0.8, 0.9, 0.1, 0.05, 30));
                    break;
                // Past the role check each of these meets a missing version, model or request: that counts as allowed.
                case "approval.request":
                    try { await Approvals(scope).Promotions.RequestPromotionAsync(actor, new(Guid.NewGuid(), "Production", "matrix")); }
                    catch (PortalNotFoundException) { }
                    break;
                case "approval.propose-criteria":
                    try { await Approvals(scope).ModelChanges.ProposeCriteriaAsync(actor, "no-such-model", [], "matrix"); }
                    catch (PortalNotFoundException) { }
                    break;
                case "approval.override-gates":
                    try { await Approvals(scope).Promotions.OverrideGatesAsync(actor, "no-such-request", "matrix"); }
                    catch (PortalNotFoundException) { }
                    break;
                case "approval-policy.edit":
                    await Approvals(scope).Policies.SetPolicyAsync(actor, MlopsPortal.Core.Approvals.ApprovalKinds.Promotion, MlopsPortal.Core.ModelRegistry.RiskTier.Low,
                        new([new(Roles.MlEngineer)], [new(Roles.MlEngineer)], 14, [], 0.01));
                    break;
                case "smtp.configure":
                    await Center(scope).SetSmtpAsync(actor, new(false, "", 25, "none", null, null, "", null, null));
                    break;
                case "webhook.manage":
                    await Center(scope).CreateWebhookAsync(actor, new("matrix", "http://127.0.0.1:9/hook", [MlopsPortal.Core.Notifications.WebhookEvents.RequestCreated]));
                    break;
                case "drift-report.start":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Drift.DriftService>().StartReportAsync(actor, new("no-such-model", Guid.NewGuid())); }
                    catch (PortalNotFoundException) { }
                    break;
                case "drift-alert.triage":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Drift.DriftService>().AcknowledgeAsync(actor, Guid.NewGuid()); }
                    catch (PortalNotFoundException) { }
                    break;
                case "report.generate":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Reports.ReportService>().StartModelAuditAsync(actor, Guid.NewGuid()); }
                    catch (PortalNotFoundException) { }
                    break;
                case "report.read":
                    await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Reports.ReportService>().ListAsync(actor);
                    break;
                case "outcomes.add":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Monitoring.OutcomeService>().AddAsync(actor, "no-such-model", new MemoryStream("id,y\n1,1\n"u8.ToArray()), "o.csv"); }
                    catch (PortalNotFoundException) { }
                    break;
                case "live-performance.start":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Monitoring.MonitoringService>().StartLivePerformanceAsync(actor, "no-such-model"); }
                    catch (PortalNotFoundException) { }
                    break;
                case "model-version.reproduce":
                    try { await scope.ServiceProvider.GetRequiredService<MlopsPortal.Core.Monitoring.MonitoringService>().StartReproduceAsync(actor, Guid.NewGuid()); }
                    catch (PortalNotFoundException) { }
                    break;
                case "approval.propose-band":
                    try { await Approvals(scope).ModelChanges.ProposeBandAsync(actor, "no-such-model", new(0.1, 0.9), "matrix"); }
                    catch (PortalNotFoundException) { }
                    break;
                case "approval.propose-rollback-rules":
                    try { await Approvals(scope).ModelChanges.ProposeRollbackRulesAsync(actor, "no-such-model", [], "matrix"); }
                    catch (PortalNotFoundException) { }
                    break;
                default: throw new InvalidOperationException($"docs/roles.md names action '{action}', which this test cannot try: add it here.");
            }
            return true;
        }
        catch (PortalForbiddenException)
        {
            return false;
        }
    }
}
