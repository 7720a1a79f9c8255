using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Api;

/// <summary>/api/v1 for datasets and models on the real pipeline: streamed multipart uploads, definitions, contracts.</summary>
public sealed class RegistryApiTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;
    private string _engineer = "";

    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync(overrides: new Dictionary<string, string?> { ["Datasets:MaxUploadBytes"] = "3000000" });
        await _host.CreateUserAsync("engineer@x.test", Roles.MlEngineer);
        await _host.CreateUserAsync("biz@x.test", Roles.BusinessStakeholder);
        _engineer = await _host.CreateTokenAsync("engineer@x.test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client(string token) => _host.CreateClient(token);

    private static MultipartFormDataContent Upload(string name, byte[] bytes, string fileName = "data.csv")
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        form.Add(new ByteArrayContent(bytes), "file", fileName);
        return form;
    }

    [Fact]
    public async Task ShouldCreateThenReturnTheSameVersion_WhenTheSameCsvIsPostedTwice()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "tests", "data", "adult", "adult.test"));
        var first = await Client(_engineer).PostAsync("api/v1/datasets", Upload("adult-test", bytes, "adult.test"));
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        created.GetProperty("rows").GetInt64().ShouldBe(16281);
        var id = created.GetProperty("id").GetString();
        first.Headers.Location!.ToString().ShouldBe($"/api/v1/dataset-versions/{id}");

        var second = await Client(_engineer).PostAsync("api/v1/datasets", Upload("adult-test", bytes));
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().ShouldBe(id);

        var version = await Client(_engineer).GetFromJsonAsync<JsonElement>($"api/v1/dataset-versions/{id}");
        var schema = version.GetProperty("schema").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        schema["age"].GetProperty("type").GetString().ShouldBe("integer");
        schema["workclass"].GetProperty("nullable").GetBoolean().ShouldBeTrue();

        // A business stakeholder reads the preview with the protected attributes masked.
        var preview = await Client(await _host.CreateTokenAsync("biz@x.test")).GetFromJsonAsync<JsonElement>($"api/v1/dataset-versions/{id}/preview?rows=5");
        var header = preview.GetProperty("header").EnumerateArray().Select(h => h.GetString()).ToList();
        preview.GetProperty("rows")[0][header.IndexOf("race")].GetString().ShouldBe("•••");
        preview.GetProperty("rows")[0][header.IndexOf("age")].GetString().ShouldBe("•••");
        preview.GetProperty("rows")[0][header.IndexOf("fnlwgt")].GetString().ShouldBe("226802");
    }

    [Theory]
    [InlineData("ragged", "a,b\n1,2\n3\n", "Line 3, column 2")]
    [InlineData("empty", "", "the file is empty")]
    public async Task ShouldAnswer400AndStoreNothing_WhenTheCsvIsBad(string name, string content, string expected)
    {
        var before = await _host.DatasetCountsAsync();
        var response = await Client(_engineer).PostAsync("api/v1/datasets", Upload(name, System.Text.Encoding.UTF8.GetBytes(content), $"{name}.csv"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain(expected);
        (await _host.DatasetCountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ShouldAnswer400_WhenTheUploadIsOverTheLimitOrHasNoNameOrFile()
    {
        var before = await _host.DatasetCountsAsync();
        var big = new byte[3_100_000];
        Array.Fill(big, (byte)'1');
        big[0] = (byte)'a'; big[1] = (byte)'\n';
        var tooBig = await Client(_engineer).PostAsync("api/v1/datasets", Upload("big", big));
        tooBig.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooBig.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("larger than the limit of 2.9 MiB");

        var noName = new MultipartFormDataContent { { new ByteArrayContent("a\n1\n"u8.ToArray()), "file", "x.csv" } };
        (await (await Client(_engineer).PostAsync("api/v1/datasets", noName)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("detail").GetString()!.ShouldContain("send the 'name' field before the file");

        var noFile = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        (await (await Client(_engineer).PostAsync("api/v1/datasets", noFile)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("detail").GetString()!.ShouldContain("no 'file' part");

        var json = await Client(_engineer).PostAsync("api/v1/datasets", JsonContent.Create(new { name = "x" }));
        json.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _host.DatasetCountsAsync()).ShouldBe(before);
        Directory.GetFiles(Path.Combine(_host.DataDirectory, "artifacts"), "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldCreateReadUpdateAndCheckAModel_WhenTheModelEndpointsAreUsed()
    {
        var client = Client(_engineer);
        var upload = await client.PostAsync("api/v1/datasets", Upload("tiny", "id,x,y\n1,0.5,1\n2,0.7,0\n"u8.ToArray()));
        var versionId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var definition = new
        {
            slug = "tiny-model", displayName = "Tiny", owners = new[] { "engineer@x.test" }, riskTier = "low", task = "binaryClassification",
            keyColumns = new[] { "id" }, labelColumn = "y", positiveLabel = "1", featureColumns = new[] { "x" },
            dataContract = new object[]
            {
                new { name = "id", type = "integer" }, new { name = "x", type = "float", min = 0.0, max = 0.6 }, new { name = "y", type = "categorical" },
            },
        };
        var created = await client.PostAsJsonAsync("api/v1/models", definition);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/v1/models/tiny-model");

        var check = await client.GetFromJsonAsync<JsonElement>($"api/v1/models/tiny-model/contract-check?datasetVersionId={versionId}");
        check.GetProperty("satisfied").GetBoolean().ShouldBeFalse();
        check.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("message").GetString())
            .ShouldBe(["Column 'x' has values above the maximum 0.6 (highest: 0.7).", "Column 'y' should be categorical but is integer."]);

        var updated = await client.PutAsJsonAsync("api/v1/models/tiny-model", definition with { });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var badUpdate = await client.PutAsJsonAsync("api/v1/models/tiny-model", new { slug = "other", displayName = "x" });
        badUpdate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var biz = Client(await _host.CreateTokenAsync("biz@x.test"));
        var criteria = await biz.PutAsJsonAsync("api/v1/models/tiny-model/acceptance-criteria",
            new[] { new { metric = "auc", comparator = ">=", threshold = 0.8, owningRole = "BusinessStakeholder" } });
        criteria.StatusCode.ShouldBe(HttpStatusCode.OK, await criteria.Content.ReadAsStringAsync());
        (await biz.PutAsJsonAsync("api/v1/models/tiny-model", definition)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var read = await biz.GetFromJsonAsync<JsonElement>("api/v1/models/tiny-model");
        read.GetProperty("definition").GetProperty("acceptanceCriteria")[0].GetProperty("threshold").GetDouble().ShouldBe(0.8);
        var page = await biz.GetFromJsonAsync<JsonElement>("api/v1/models?riskTier=low&search=tiny");
        page.GetProperty("total").GetInt32().ShouldBe(1);
        page.GetProperty("items")[0].GetProperty("riskTier").GetString().ShouldBe("low");
        (await biz.GetAsync("api/v1/models?riskTier=extreme")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await biz.GetAsync("api/v1/models/missing")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
