using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Api;

/// <summary>Every error under /api/v1 is RFC 7807 problem+json from the one handler, whatever produced it.</summary>
public sealed class ApiErrorTests : IAsyncLifetime
{
    private readonly TempDirectory _allowed = new();
    private PortalTestHost _host = default!;
    private string _engineer = "";
    private string _compliance = "";

    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync(overrides: new Dictionary<string, string?> { ["Datasets:AllowedFolders:0"] = _allowed.Path });
        await _host.CreateUserAsync("engineer@x.test", Roles.MlEngineer);
        await _host.CreateUserAsync("compliance@x.test", Roles.ComplianceOfficer);
        _engineer = await _host.CreateTokenAsync("engineer@x.test");
        _compliance = await _host.CreateTokenAsync("compliance@x.test");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _allowed.Dispose();
    }

    private HttpClient Client(string token) => _host.CreateClient(token);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        return problem;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ShouldAnswer400ProblemDetails_WhenTheJsonBodyIsMalformed()
    {
        var problem = await ProblemAsync(await Client(_engineer).PostAsync("api/v1/jobs/cluster-check", Json("{\"durationSeconds\": ")), HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("JSON");
    }

    [Theory]
    [InlineData("api/v1/jobs?skip=abc", "skip")]
    [InlineData("api/v1/audit/events?limit=many", "limit")]
    public async Task ShouldAnswer400ProblemDetails_WhenAQueryValueIsNotANumber(string url, string parameter)
    {
        var problem = await ProblemAsync(await Client(_compliance).GetAsync(url), HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain(parameter);
    }

    [Fact]
    public async Task ShouldAnswer400ProblemDetails_WhenPutOrPatchBodiesAreBad()
    {
        await ProblemAsync(await Client(_engineer).PutAsync("api/v1/models/no-such-model", Json("[1, 2")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Client(_engineer).PatchAsync("api/v1/datasets/no-such-dataset", Json("{\"description\": 5")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Client(_engineer).PutAsync("api/v1/models/no-such-model", new StringContent("slug=x", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task ShouldAnswer413ProblemDetails_WhenAReportToVerifyIsTooLarge()
    {
        var auditor = await _host.CreateUserAsync("auditor@x.test", Roles.Auditor);
        var token = await _host.CreateTokenAsync(auditor.UserName!);
        var body = new ByteArrayContent(new byte[40_000_000]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var problem = await ProblemAsync(await Client(token).PostAsync("api/v1/reports/verify", body), HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("MiB");
    }

    [Fact]
    public async Task ShouldAnswer400ProblemDetails_WhenANumberIsNaN()
    {
        var check = await ProblemAsync(await Client(_engineer).PostAsync("api/v1/jobs/cluster-check", Json("{\"durationSeconds\":\"NaN\"}")), HttpStatusCode.BadRequest);
        check.GetProperty("detail").GetString()!.ShouldContain("durationSeconds");

        var policy = await ProblemAsync(await Client(_compliance).PutAsync("api/v1/fairness-policies/high",
            Json("{\"disparateImpactFail\":\"NaN\",\"disparateImpactWarn\":0.9,\"differenceFail\":0.1,\"differenceWarn\":0.05,\"minGroupSize\":30}")), HttpStatusCode.BadRequest);
        policy.GetProperty("detail").GetString()!.ShouldContain("disparateImpactFail");
    }

    [Fact]
    public async Task ShouldAnswerProblemDetails_WhenTheRouteOrMethodDoesNotExist()
    {
        await ProblemAsync(await Client(_engineer).GetAsync("api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await ProblemAsync(await Client(_engineer).DeleteAsync("api/v1/me"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task ShouldAnswerHead_WhenAGetEndpointIsAskedWithHeadByAReadOnlyToken()
    {
        var readOnly = await _host.CreateTokenAsync("engineer@x.test", readOnly: true, name: "read");
        foreach (var url in new[] { "api/v1/me", "api/v1/jobs", "api/v1/models" })
        {
            var response = await Client(readOnly).SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        }
        (await Client(readOnly).PostAsJsonAsync("api/v1/jobs/cluster-check", new { durationSeconds = 1 })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ShouldAnswer400WithOneSentence_WhenAServerPathOutsideTheFoldersIsRegistered()
    {
        var details = new List<string>();
        foreach (var path in new[] { "/etc/shadow", "/etc/does-not-exist", "/root" })
        {
            var problem = await ProblemAsync(await Client(_engineer).PostAsJsonAsync("api/v1/datasets/register", new { name = "probe", path }), HttpStatusCode.BadRequest);
            details.Add(problem.GetProperty("detail").GetString()!.Replace(path, "PATH"));
        }
        details.Distinct().ShouldHaveSingleItem();
        await ProblemAsync(await Client(_engineer).PostAsJsonAsync("api/v1/datasets/register", new { name = "probe", path = _allowed.Path + "/a\0b.csv" }),
            HttpStatusCode.BadRequest);
    }
}
