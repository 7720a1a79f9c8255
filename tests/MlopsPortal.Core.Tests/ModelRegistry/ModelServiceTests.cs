using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.ModelRegistry;

/// <summary>The model inventory on a real SQLite database: definitions, audited changes, data contracts.</summary>
public sealed class ModelServiceTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private static readonly Actor Engineer = new("u1", "owner@x.test", new HashSet<string> { Roles.MlEngineer }, false);
    private static readonly Actor Stakeholder = new("u2", "biz@x.test", new HashSet<string> { Roles.BusinessStakeholder }, false);

    public async Task InitializeAsync()
    {
        _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = _portal.Scope();
        await _portal.Get<UserAdminService>(scope).CreateAsync(Actor.Cli(), "owner@x.test", "Owner", PortalTestHost.Password, [Roles.MlEngineer]);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private ModelService Models => _portal.Get<ModelService>(_portal.Scope());
    private DatasetService Datasets => _portal.Get<DatasetService>(_portal.Scope());

    private static ModelDefinition Recidivism(string slug = "recidivism") => new()
    {
        Slug = slug, DisplayName = "Two-year recidivism", Owners = ["owner@x.test"], Team = "Risk", UseCase = "Pre-trial risk score",
        RiskTier = "high", Task = "binaryClassification", KeyColumns = ["id"], LabelColumn = "two_year_recid", PositiveLabel = "1",
        FeatureColumns = ["age", "priors_count", "c_charge_degree"], SensitiveAttributes = ["race", "sex"],
        AcceptanceCriteria = [new("auc", ">=", 0.7, Roles.BusinessStakeholder)],
    };

    private async Task<int> EventsAsync(string action)
    {
        await using var scope = _portal.Scope();
        return await _portal.Get<PortalDbContext>(scope).AuditEvents.CountAsync(e => e.Action == action);
    }

    [Fact]
    public async Task ShouldStoreTheWholeDefinitionWithAnAuditEvent_WhenAModelIsCreated()
    {
        var model = await Models.CreateAsync(Engineer, Recidivism());
        var read = await Models.GetAsync("recidivism");
        read.RiskTier.ShouldBe(RiskTier.High);
        read.PrimaryMetric.ShouldBe("auc");
        read.DecisionThreshold.ShouldBe(0.5);
        read.FeatureColumns.ShouldBe(["age", "priors_count", "c_charge_degree"]);
        read.AcceptanceCriteria.ShouldBe([new AcceptanceCriterion("auc", ">=", 0.7, Roles.BusinessStakeholder)]);
        read.DriftPolicy.DriftedShareThreshold.ShouldBe(0.5);
        read.CreatedBy.ShouldBe("user:owner@x.test");
        (await EventsAsync("model.created")).ShouldBe(1);
        model.Id.ShouldBe(read.Id);
    }

    [Fact]
    public async Task ShouldNameEveryProblemAndWriteNothing_WhenTheDefinitionIsInvalid()
    {
        var bad = Recidivism() with
        {
            DisplayName = "", Owners = ["nobody@x.test"], RiskTier = "extreme", PositiveLabel = null, DecisionThreshold = 1.5,
            FeatureColumns = ["age", "two_year_recid", "id"], AcceptanceCriteria = [new("rmse", "≥", double.NaN, "Boss")],
        };
        var e = await Should.ThrowAsync<PortalValidationException>(() => Models.CreateAsync(Engineer, bad));
        foreach (var expected in new[]
                 {
                     "display name is required", "No user named 'nobody@x.test'", "'extreme' is not a risk tier", "needs a positive label",
                     "decision threshold 1.5", "label column 'two_year_recid' cannot also be a feature", "key column 'id' cannot also be a feature",
                     "'rmse' is not a metric for binaryClassification", "'≥' is not a comparator", "threshold must be a number", "'Boss' is not a role",
                 })
            e.Message.ShouldContain(expected);
        (await Models.PageAsync(null, null, 0, 10)).Total.ShouldBe(0);
        (await EventsAsync("model.created")).ShouldBe(0);
    }

    [Theory]
    [InlineData("Has Caps")]
    [InlineData("new")]
    [InlineData("")]
    public async Task ShouldRejectTheSlug_WhenItIsNotUsable(string slug) =>
        await Should.ThrowAsync<PortalValidationException>(() => Models.CreateAsync(Engineer, Recidivism(slug)));

    [Fact]
    public async Task ShouldRefuseASecondModel_WhenTheSlugIsTaken()
    {
        await Models.CreateAsync(Engineer, Recidivism());
        (await Should.ThrowAsync<PortalValidationException>(() => Models.CreateAsync(Engineer, Recidivism()))).Message.ShouldContain("already exists");
    }

    [Fact]
    public async Task ShouldAuditOnlyTheChangedFields_WhenAModelIsUpdated()
    {
        await Models.CreateAsync(Engineer, Recidivism());
        await Models.UpdateAsync(Engineer, "recidivism", Recidivism() with { RiskTier = "critical", Team = "Justice" });
        await using var scope = _portal.Scope();
        var e = await _portal.Get<PortalDbContext>(scope).AuditEvents.SingleAsync(x => x.Action == "model.updated");
        var changes = JsonDocument.Parse(e.Payload).RootElement.GetProperty("changes");
        changes.EnumerateObject().Select(p => p.Name).Order().ShouldBe(["riskTier", "team"]);
        changes.GetProperty("riskTier").GetProperty("before").GetString().ShouldBe("high");
        changes.GetProperty("riskTier").GetProperty("after").GetString().ShouldBe("critical");

        // Saving the same definition again changes nothing and writes no event.
        await Models.UpdateAsync(Engineer, "recidivism", Recidivism() with { RiskTier = "critical", Team = "Justice" });
        (await EventsAsync("model.updated")).ShouldBe(1);
    }

    [Fact]
    public async Task ShouldRefuseToChangeTheSlug_WhenUpdated()
    {
        await Models.CreateAsync(Engineer, Recidivism());
        (await Should.ThrowAsync<PortalValidationException>(() => Models.UpdateAsync(Engineer, "recidivism", Recidivism("renamed"))))
            .Message.ShouldContain("never changes");
    }

    [Fact]
    public async Task ShouldLetABusinessStakeholderSetCriteriaButNotTheDefinition_WhenTheyEdit()
    {
        await Models.CreateAsync(Engineer, Recidivism());
        var changed = await Models.SetAcceptanceCriteriaAsync(Stakeholder, "recidivism",
            [new("auc", ">=", 0.72, Roles.BusinessStakeholder), new("recall", ">=", 0.6, Roles.BusinessStakeholder)]);
        changed.AcceptanceCriteria.Count.ShouldBe(2);
        (await EventsAsync("model.acceptance-criteria-changed")).ShouldBe(1);
        await Should.ThrowAsync<PortalForbiddenException>(() => Models.UpdateAsync(Stakeholder, "recidivism", Recidivism() with { RiskTier = "low" }));
        await Should.ThrowAsync<PortalForbiddenException>(() => Models.CreateAsync(Stakeholder, Recidivism("other")));
    }

    [Fact]
    public async Task ShouldListViolations_WhenADatasetBreaksTheContractDerivedFromAnother()
    {
        await using var compas = File.OpenRead(Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv"));
        var (reference, _) = await Datasets.AddAsync(Engineer, compas, "compas");
        var contract = await Models.DeriveContractAsync(reference.Id, ["id", "age", "priors_count", "c_charge_degree", "two_year_recid"]);
        contract.Count.ShouldBe(5);
        contract.Single(c => c.Name == "c_charge_degree").Categories!.Order().ShouldBe(["F", "M"]);
        await Models.CreateAsync(Engineer, Recidivism() with { DataContract = contract });

        (await Models.CheckContractAsync("recidivism", reference.Id)).ShouldBeEmpty();

        var (other, _) = await Datasets.AddAsync(Engineer, new MemoryStream(
            "id,age,priors_count,c_charge_degree\n1,17,x,F\n2,,3,O\n"u8.ToArray()), "compas-new-batch");
        var violations = await Models.CheckContractAsync("recidivism", other.Id);
        violations.Select(v => (v.Column, v.Kind)).Order().ShouldBe(
        [
            ("age", "missing-values"), ("age", "range"), ("c_charge_degree", "categories"), ("priors_count", "type"), ("two_year_recid", "missing"),
        ]);
        violations.Single(v => v.Kind == "categories").Message.ShouldContain("'O'");
    }

    [Fact]
    public async Task ShouldRefuseAContractThatLeavesOutAFeature_WhenCreated()
    {
        var e = await Should.ThrowAsync<PortalValidationException>(() => Models.CreateAsync(Engineer,
            Recidivism() with { DataContract = [new ContractColumn("age", "integer")] }));
        e.Message.ShouldContain("does not describe 'id', 'priors_count', 'c_charge_degree', 'two_year_recid'");
    }
}
