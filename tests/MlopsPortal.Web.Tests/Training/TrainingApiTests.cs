using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Training;

using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>/api/v1/runs, model versions, evaluations and scoring jobs, over HTTP with personal tokens.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class TrainingApiTests(TrainingFixture f)
{
    private async Task<JsonElement> WaitForAsync(HttpClient client, string address, Func<JsonElement, bool> done)
    {
        for (var i = 0; i < 600; i++)
        {
            var body = await client.GetFromJsonAsync<JsonElement>(address);
            if (done(body)) return body;
            await Task.Delay(200);
        }
        throw new TimeoutException(address);
    }

    private static string Status(JsonElement job) => job.GetProperty("status").GetString()!;

    [Fact]
    public async Task ShouldTrainFollowAndDownloadAVersion_ThroughTheApi()
    {
        await f.CreateModelAsync("recid-api");
        await f.Host.CreateUserAsync("api-engineer@x.test", Roles.MlEngineer);
        var client = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-engineer@x.test"));

        var start = await client.PostAsJsonAsync("api/v1/runs", new
        {
            model = "recid-api", datasetVersionId = f.Compas, parameters = new Dictionary<string, string> { ["num_boost_round"] = "12", ["max_depth"] = "4" },
            seed = 3, codeVersion = "git:api", reason = "API check",
        });
        start.StatusCode.ShouldBe(HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync());
        var run = await WaitForAsync(client, start.Headers.Location!.ToString().TrimStart('/'),
            r => Status(r.GetProperty("job")) is not ("queued" or "running"));
        Status(run.GetProperty("job")).ShouldBe("succeeded");
        run.GetProperty("rounds").GetArrayLength().ShouldBe(12);
        run.GetProperty("training").GetProperty("trigger").GetString().ShouldBe("user");
        var versionId = run.GetProperty("training").GetProperty("modelVersionId").GetString();

        var version = await client.GetFromJsonAsync<JsonElement>($"api/v1/model-versions/{versionId}");
        version.GetProperty("trainedBy").GetString().ShouldBe("user:api-engineer@x.test");
        version.GetProperty("stage").GetString().ShouldBe("none");
        version.GetProperty("hyperparameters").GetProperty("max_depth").GetString().ShouldBe("4");
        var package = await client.GetByteArrayAsync($"api/v1/model-versions/{versionId}/package");
        Convert.ToHexStringLower(SHA256.HashData(package)).ShouldBe(version.GetProperty("packageSha256").GetString());
        ModelPackage.Read(new MemoryStream(package)).Manifest.Seed.ShouldBe(3);

        var versions = await client.GetFromJsonAsync<JsonElement>("api/v1/models/recid-api/versions");
        versions.GetArrayLength().ShouldBe(1);

        var score = await client.PostAsJsonAsync("api/v1/scoring-jobs", new { modelVersionId = versionId, datasetVersionId = f.Compas });
        score.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var scored = await WaitForAsync(client, score.Headers.Location!.ToString().TrimStart('/'), j => Status(j) is not ("queued" or "running"));
        Status(scored).ShouldBe("succeeded");
        var output = await client.GetFromJsonAsync<JsonElement>($"api/v1/dataset-versions/{scored.GetProperty("outputEntityId").GetString()}");
        output.GetProperty("dataset").GetString().ShouldBe("recid-api-scores");
    }

    [Fact]
    public async Task ShouldAnswer400WithXGBoostsMessage_AndQueueNothing_WhenAParameterIsUnknown()
    {
        await f.CreateModelAsync("recid-api-bad");
        await f.Host.CreateUserAsync("api-scientist@x.test", Roles.DataScientist);
        var client = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-scientist@x.test"));

        var response = await client.PostAsJsonAsync("api/v1/runs", new
        {
            model = "recid-api-bad", datasetVersionId = f.Compas, parameters = new Dictionary<string, string> { ["colsample_bytre"] = "0.5" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString()!.ShouldContain("colsample_bytre");
        (await client.GetFromJsonAsync<JsonElement>("api/v1/jobs?kind=training&take=500")).GetProperty("items").EnumerateArray()
            .ShouldNotContain(j => j.GetProperty("payload").GetString()!.Contains("recid-api-bad"));
    }

    [Fact]
    public async Task ShouldRefuseAStakeholder_AndRegisterAnExternalModelForAnEngineer()
    {
        await f.CreateModelAsync("recid-api-external", d => d with { FeatureColumns = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count"] });
        await f.Host.CreateUserAsync("api-biz@x.test", Roles.BusinessStakeholder);
        await f.Host.CreateUserAsync("api-engineer2@x.test", Roles.MlEngineer);
        var biz = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-biz@x.test"));
        (await biz.PostAsJsonAsync("api/v1/runs", new { model = "recid-api-external", datasetVersionId = f.Compas }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A model "trained elsewhere": the JSON of a version trained here, posted as XGBoost's JSON.
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(),
            new("recid-api-external", f.Compas, TrainingFixture.FewRounds(5), 9)));
        byte[] modelJson;
        await using (var stream = f.Training.OpenPackage((await f.Training.GetVersionAsync(Guid.Parse(trained.OutputEntityId!))).Version))
            modelJson = ModelPackage.Read(stream).Model;
        var engineer = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-engineer2@x.test"));
        var features = new[] { "age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count" };
        var response = await engineer.PostAsJsonAsync("api/v1/models/recid-api-external/versions", new
        {
            modelJson = JsonDocument.Parse(modelJson).RootElement, features, source = "https://ci.example.test/run/7",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var version = await response.Content.ReadFromJsonAsync<JsonElement>();
        version.GetProperty("externallyTrained").GetBoolean().ShouldBeTrue();
        version.GetProperty("number").GetInt32().ShouldBe(2);

        var corrupt = await engineer.PostAsJsonAsync("api/v1/models/recid-api-external/versions", new { modelJson = new { learner = 1 }, features });
        corrupt.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await corrupt.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("not a valid XGBoost model");

        // Any model file as base64: an ONNX model converted from scikit-learn, whose inputs name the features.
        var onnx = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "tests", "data", "onnx", "sklearn-gradient-boosting.onnx"));
        var registered = await engineer.PostAsJsonAsync("api/v1/models/recid-api-external/versions", new { modelFile = Convert.ToBase64String(onnx), trainingDatasetVersionId = f.Compas });
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var onnxVersion = await registered.Content.ReadFromJsonAsync<JsonElement>();
        onnxVersion.GetProperty("engine").GetString().ShouldBe("onnx");
        onnxVersion.GetProperty("features").EnumerateArray().Select(e => e.GetString()).ShouldBe(features);
        var both = await engineer.PostAsJsonAsync("api/v1/models/recid-api-external/versions", new { modelFile = "AAAA", modelJson = new { learner = 1 } });
        (await both.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("Send the model as modelFile (base64) or as modelJson, not both.");
        var notBase64 = await engineer.PostAsJsonAsync("api/v1/models/recid-api-external/versions", new { modelFile = "not base64!" });
        (await notBase64.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("modelFile must be the model file's bytes in base64.");
    }

    [Fact]
    public async Task ShouldAuditFairnessAndLetOnlyComplianceChangeThePolicy_ThroughTheApi()
    {
        await f.Host.CreateUserAsync("api-compliance@x.test", Roles.ComplianceOfficer);
        await f.Host.CreateUserAsync("api-engineer3@x.test", Roles.MlEngineer);
        var compliance = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-compliance@x.test"));
        var engineer = f.Host.CreateClient(await f.Host.CreateTokenAsync("api-engineer3@x.test"));

        var start = await compliance.PostAsJsonAsync("api/v1/fairness-audits", new
        {
            datasetVersionId = f.Compas, labelColumn = "two_year_recid", predictionColumn = "is_recid", sensitive = new[] { "race" }, bootstrap = 20,
        });
        start.StatusCode.ShouldBe(HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync());
        var job = await WaitForAsync(compliance, start.Headers.Location!.ToString().TrimStart('/'), j => Status(j) is not ("queued" or "running"));
        Status(job).ShouldBe("succeeded");
        var audit = await compliance.GetFromJsonAsync<JsonElement>($"api/v1/fairness-audits/{job.GetProperty("id").GetString()}");
        audit.GetProperty("report").GetProperty("rows").GetInt32().ShouldBe(7214);
        audit.GetProperty("report").GetProperty("groups")[0].GetProperty("ci").GetProperty("tpr").GetArrayLength().ShouldBe(2);

        var values = new { disparateImpactFail = 0.75, disparateImpactWarn = 0.85, differenceFail = 0.12, differenceWarn = 0.06, minGroupSize = 50 };
        (await engineer.PutAsJsonAsync("api/v1/fairness-policies/low", values)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var put = await compliance.PutAsJsonAsync("api/v1/fairness-policies/low", values);
        put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var policies = await engineer.GetFromJsonAsync<JsonElement>("api/v1/fairness-policies");
        policies.EnumerateArray().First().GetProperty("minGroupSize").GetInt32().ShouldBe(50);
        (await compliance.PutAsJsonAsync("api/v1/fairness-policies/extreme", values)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await compliance.PutAsJsonAsync("api/v1/fairness-policies/low", new { disparateImpactFail = 0.8, disparateImpactWarn = 0.9, differenceFail = 0.1, differenceWarn = 0.05, minGroupSize = 30 });
    }
}
