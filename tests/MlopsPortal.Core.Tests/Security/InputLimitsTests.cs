using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Security;

/// <summary>
/// Free text and lists beyond the limits (InputLimits) are refused by the services, with a sentence that names the
/// field and the limit, and nothing is written.
/// </summary>
public sealed class InputLimitsTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private string _ownerId = "";
    private static readonly Actor Engineer = new("u1", "owner@x.test", new HashSet<string> { Roles.MlEngineer }, false);
    private static readonly Actor Admin = new("u9", "admin@x.test", new HashSet<string> { Roles.Administrator }, false);

    public async Task InitializeAsync()
    {
        _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = _portal.Scope();
        _ownerId = (await _portal.Get<UserAdminService>(scope).CreateAsync(Actor.Cli(), "owner@x.test", "Owner", PortalTestHost.Password, [Roles.MlEngineer])).User.Id;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<int> EventsAsync()
    {
        await using var scope = _portal.Scope();
        return await _portal.Get<PortalDbContext>(scope).AuditEvents.CountAsync();
    }

    private async Task RefusedAsync(Func<AsyncServiceScope, Task> act, params string[] mentions)
    {
        var before = await EventsAsync();
        await using (var scope = _portal.Scope())
        {
            var e = await Should.ThrowAsync<PortalValidationException>(() => act(scope));
            foreach (var m in mentions)
                e.Message.ShouldContain(m);
        }
        (await EventsAsync()).ShouldBe(before);
    }

    private static ModelDefinition Model(Func<ModelDefinition, ModelDefinition>? change = null)
    {
        var d = new ModelDefinition
        {
            Slug = "credit", DisplayName = "Credit", Owners = ["owner@x.test"], RiskTier = "low", Task = "binaryClassification",
            KeyColumns = ["id"], LabelColumn = "default", PositiveLabel = "1", FeatureColumns = ["income", "age"],
        };
        return change is null ? d : change(d);
    }

    [Fact]
    public async Task ShouldRefuseAMegabyteAnchorPurpose_WhenAnAnchorIsRecorded() =>
        await RefusedAsync(s => _portal.Get<AuditTrailService>(s).CreateAnchorAsync(Actor.Cli(), new string('x', 1 << 20)),
            "purpose", "1,048,576", InputLimits.Line.ToString());

    [Fact]
    public async Task ShouldRefuseAHundredThousandFeatureColumns_WhenAModelIsDefined() =>
        await RefusedAsync(s => _portal.Get<ModelService>(s).CreateAsync(Engineer,
                Model(d => d with { FeatureColumns = [.. Enumerable.Range(0, 100_000).Select(i => $"f{i}")] })),
            "feature columns", "100,000", "5,000");

    public static TheoryData<string, string> ModelFields => new()
    {
        { "label", "label column" },
        { "key", "key columns" },
        { "sensitive", "sensitive attributes" },
        { "owners", "owners" },
        { "positive", "positive label" },
        { "contract", "data contract" },
    };

    [Theory]
    [MemberData(nameof(ModelFields))]
    public async Task ShouldRefuseOversizedModelFields_WhenAModelIsDefined(string field, string mention)
    {
        var longName = new string('c', InputLimits.ColumnName + 1);
        var many = Enumerable.Range(0, InputLimits.ListItems + 1).Select(i => $"c{i}").ToList();
        var definition = field switch
        {
            "label" => Model(d => d with { LabelColumn = longName }),
            "key" => Model(d => d with { KeyColumns = many }),
            "sensitive" => Model(d => d with { SensitiveAttributes = many }),
            "owners" => Model(d => d with { Owners = [.. Enumerable.Range(0, InputLimits.Owners + 1).Select(i => $"u{i}@x.test")] }),
            "positive" => Model(d => d with { PositiveLabel = longName }),
            _ => Model(d => d with { DataContract = [.. Enumerable.Range(0, InputLimits.FeatureColumns + InputLimits.ListItems + 2).Select(i => new ContractColumn($"c{i}", "integer", false))] }),
        };
        await RefusedAsync(s => _portal.Get<ModelService>(s).CreateAsync(Engineer, definition), mention);
    }

    [Fact]
    public async Task ShouldRefuseAFileOfBlankLines_WhenADatasetIsAdded()
    {
        await RefusedAsync(s => _portal.Get<DatasetService>(s).AddAsync(Engineer, new MemoryStream("\n\n\n\n"u8.ToArray()), "blank"), "no header");
        await RefusedAsync(s => _portal.Get<DatasetService>(s).AddAsync(Engineer, new MemoryStream("\r\n  \r\n\r\n"u8.ToArray()), "blank"), "no header");
        Directory.GetFiles(Path.Combine(_portal.DataDirectory, "artifacts"), "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldRefuseOversizedTextElsewhere_WhenServicesAreCalled()
    {
        var prose = new string('p', InputLimits.Prose + 1);
        await RefusedAsync(s => _portal.Get<ApiTokenService>(s).CreateAsync(Actor.Cli(), _ownerId, new string('n', InputLimits.ShortName + 1), 30, false), "name");
        await RefusedAsync(s => _portal.Get<NotificationCenter>(s).CreateWebhookAsync(Admin,
            new WebhookInput("hook", "https://example.test/" + new string('u', InputLimits.Reason), ["request-approved"])), "URL", "2,000");
        await RefusedAsync(s => _portal.Get<UserAdminService>(s).LockAsync(Actor.Cli(), _ownerId, prose), "reason");
    }
}
