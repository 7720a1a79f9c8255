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

/// <summary>One single-node portal on SQLite with the COMPAS data added once; each test uses its own model.</summary>
public sealed class TrainingFixture : IAsyncLifetime
{
    public static readonly string CompasFile = Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv");

    public PortalTestHost Host { get; private set; } = default!;
    public Guid Compas { get; private set; }

    public TrainingService Training => Host.Services.GetRequiredService<TrainingService>();
    public JobService Jobs => Host.Services.GetRequiredService<JobService>();

    public async Task InitializeAsync()
    {
        Host = await PortalTestHost.StartAsync();
        await using (var scope = Host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<UserAdminService>()
                .CreateAsync(Actor.Cli(), "owner@x.test", "Owner", PortalTestHost.Password, [Roles.MlEngineer]);
        await using var file = File.OpenRead(CompasFile);
        Compas = (await Host.Services.GetRequiredService<DatasetService>().AddAsync(Actor.Cli(), file, "compas", "compas-two-years.csv")).Version.Id;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static ModelDefinition Recidivism(string slug) => new()
    {
        Slug = slug, DisplayName = "Two-year recidivism", Owners = ["owner@x.test"], Team = "Risk", UseCase = "Pre-trial risk score",
        RiskTier = "high", Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "two_year_recid", PositiveLabel = "1",
        FeatureColumns = ["age", "priors_count", "c_charge_degree", "juv_fel_count", "sex"], SensitiveAttributes = ["race", "sex"],
        AcceptanceCriteria = [new("auc", ">=", 0.6, Roles.BusinessStakeholder), new("accuracy", ">=", 0.99, Roles.BusinessStakeholder)],
    };

    public async Task<Model> CreateModelAsync(string slug, Func<ModelDefinition, ModelDefinition>? change = null) =>
        await Host.Services.GetRequiredService<ModelService>().CreateAsync(Actor.Cli(), (change ?? (d => d))(Recidivism(slug)));

    public async Task<JobRun> FinishAsync(JobRun run) =>
        await Host.WaitUntilEndedAsync(run);

    public async Task<T> QueryAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public static Dictionary<string, string> FewRounds(int rounds = 15) => new() { ["num_boost_round"] = rounds.ToString() };
}

[CollectionDefinition(nameof(TrainingCollection))]
public sealed class TrainingCollection : ICollectionFixture<TrainingFixture>;
