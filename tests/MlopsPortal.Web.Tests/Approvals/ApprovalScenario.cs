using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Approvals;

/// <summary>
/// A portal with the people an approval needs (two engineers, a trainer, a stakeholder, two compliance officers, an
/// administrator, a data scientist) and models whose versions carry the evidence gates read: an evaluation with its
/// AUC (and the champion's on the same rows) and a fairness audit. Versions are written as the training and
/// evaluation jobs write them; what is tested here is the workflow on top.
/// </summary>
public sealed class ApprovalScenario(PortalTestHost host) : IAsyncDisposable
{
    public PortalTestHost Host { get; } = host;
    public Dictionary<string, Actor> People { get; } = [];

    public static readonly (string Name, string[] Roles)[] Cast =
    [
        ("eng@x.test", [Roles.MlEngineer]), ("eng2@x.test", [Roles.MlEngineer]), ("trainer@x.test", [Roles.MlEngineer]),
        ("biz@x.test", [Roles.BusinessStakeholder]), ("co1@x.test", [Roles.ComplianceOfficer]), ("co2@x.test", [Roles.ComplianceOfficer]),
        ("admin@x.test", [Roles.Administrator]), ("ds@x.test", [Roles.DataScientist]), ("both@x.test", [Roles.BusinessStakeholder, Roles.ComplianceOfficer]),
        ("helper@x.test", [Roles.DataScientist]),
    ];

    public static async Task<ApprovalScenario> StartAsync(PortalTestHost? host = null, IDictionary<string, string?>? overrides = null)
    {
        var scenario = new ApprovalScenario(host ?? await PortalTestHost.StartAsync(overrides: overrides));
        foreach (var (name, roles) in Cast)
        {
            var user = await scenario.Host.CreateUserAsync(name, roles);
            scenario.People[name.Split('@')[0]] = new Actor(user.Id, user.UserName!, roles.ToHashSet(), false);
        }
        return scenario;
    }

    public Actor this[string name] => People[name];

    public ApprovalCalls Approvals(AsyncServiceScope scope) => ApprovalCalls.From(scope.ServiceProvider);

    /// <summary>Runs one call with fresh approval services (sign-offs are scoped, like a page's or a request's).</summary>
    public async Task<T> WithApprovalsAsync<T>(Func<ApprovalCalls, Task<T>> call)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await call(Approvals(scope));
    }

    public Task WithApprovalsAsync(Func<ApprovalCalls, Task> call) => WithApprovalsAsync(async a => { await call(a); return 0; });

    public Task<ApprovalRequest> SignAsync(string who, string requestId, bool approve = true, string? role = null, string? onBehalfOf = null) =>
        WithApprovalsAsync(a => a.SignOffs.SignAsync(this[who], requestId, new SignOffInput(approve, $"{who} looked at it", role, onBehalfOf, PortalTestHost.Password)));

    public Task<ApprovalRequest> RequestAsync(Guid versionId, string stage = "Production", string who = "eng", bool rollback = false) =>
        WithApprovalsAsync(a => a.Promotions.RequestPromotionAsync(this[who], new PromotionInput(versionId, stage, "Better on last quarter's holdout.", rollback)));

    public async Task<Model> CreateModelAsync(string slug, RiskTier tier, double aucThreshold = 0.7)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = slug, DisplayName = $"Model {slug}", Owners = ["eng@x.test"], RiskTier = tier.ToString(), Task = "binaryClassification",
            KeyColumns = ["id"], LabelColumn = "y", PositiveLabel = "1", FeatureColumns = ["a"], SensitiveAttributes = ["sex"],
            AcceptanceCriteria = [new("auc", ">=", aucThreshold, Roles.BusinessStakeholder), new("recall", ">=", 0.5, Roles.BusinessStakeholder)],
        });
    }

    /// <summary>A version trained by trainer@x.test with an evaluation (AUC, recall 0.81) and a fairness audit with the verdict.</summary>
    public Task<ModelVersion> AddVersionAsync(Model model, double auc, string fairness = "pass", string trainedBy = "user:trainer@x.test") =>
        ApprovalEvidence.AddVersionAsync(Host.Services, model, auc, fairness, trainedBy);

    public async Task<T> QueryAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<VersionStage> StageAsync(Guid versionId) => QueryAsync(db => db.ModelVersions.Where(v => v.Id == versionId).Select(v => v.Stage).SingleAsync());

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
