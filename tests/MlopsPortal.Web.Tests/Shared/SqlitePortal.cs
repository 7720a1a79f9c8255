using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Shared;

/// <summary>A real SQLite portal (Core services) with one person and one model, for components that name people and entities.</summary>
public sealed class SqlitePortal : IAsyncLifetime
{
    public const string Email = "dana@x.test";
    public const string DisplayName = "Dana Stakeholder";

    public PortalServices Portal { get; private set; } = default!;
    public Model Model { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = Portal.Scope();
        await scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateAsync(Actor.Cli(), Email, DisplayName, null, [Roles.BusinessStakeholder]);
        Model = await Portal.Services.GetRequiredService<ModelService>().CreateAsync(Actor.Cli(), new ModelDefinition
        {
            Slug = "credit-risk", DisplayName = "Credit default risk", Owners = [Email], RiskTier = "high", Task = "binaryClassification",
            KeyColumns = ["id"], LabelColumn = "defaulted", PositiveLabel = "1", FeatureColumns = ["income"],
        });
    }

    /// <summary>A bUnit context with MudBlazor and the portal's naming services (dispose it with <c>await using</c>).</summary>
    public BunitContext NewContext()
    {
        var ctx = MudContext.Create();
        ctx.Services.AddLogging();
        ctx.Services.AddAuthorizationCore();
        ctx.Services.AddSingleton(Portal.Services.GetRequiredService<ActorNameService>());
        ctx.Services.AddSingleton(Portal.Services.GetRequiredService<LineageService>());
        return ctx;
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();
}
