using System.Text.Json;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Datasets;

/// <summary>Configured lists replace the defaults (the configuration binder would otherwise append to them).</summary>
public sealed class DatasetOptionsTests
{
    [Fact]
    public async Task ShouldUseOnlyTheConfiguredTokensAndNames_WhenTheListsAreSet()
    {
        await using var portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Datasets:MissingTokens:0"] = "-",
            ["Datasets:DefaultSensitiveColumns:0"] = "zip",
        });
        var service = portal.Get<DatasetService>(portal.Scope());
        var (version, _) = await service.AddAsync(Actor.Cli(), new MemoryStream("zip,race,score\n12345,NA,-\n23456,b,2\n"u8.ToArray()), "configured");
        var schema = JsonSerializer.Deserialize<List<SchemaColumn>>(version.Schema, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        schema.Single(c => c.Name == "score").Nullable.ShouldBeTrue();   // "-" is missing here
        schema.Single(c => c.Name == "race").Nullable.ShouldBeFalse();   // "NA" is a value here
        (await service.GetAsync("configured")).Dataset.SensitiveColumns.ShouldBe(["zip"]);
    }
}
