using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Api;

/// <summary>/api/v1 on the real pipeline: personal tokens, roles, read-only scope, problem details.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;

    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync();
        await _host.CreateUserAsync("engineer@x.test", Roles.MlEngineer);
        await _host.CreateUserAsync("auditor@x.test", Roles.Auditor);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client(string? token)
    {
        var client = _host.CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task ShouldAnswerWhoTheTokenBelongsTo_WhenMeIsCalledWithAToken()
    {
        var token = await _host.CreateTokenAsync("engineer@x.test", name: "ci pipeline");
        var me = await Client(token).GetFromJsonAsync<JsonElement>("api/v1/me");
        me.GetProperty("userName").GetString().ShouldBe("engineer@x.test");
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe([Roles.MlEngineer]);
        me.GetProperty("token").GetProperty("name").GetString().ShouldBe("ci pipeline");
    }

    [Fact]
    public async Task ShouldAnswer401ProblemDetails_WhenNoOrAWrongTokenIsSent()
    {
        var none = await Client(null).GetAsync("api/v1/me");
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(none)).GetProperty("status").GetInt32().ShouldBe(401);

        var wrong = await Client("mlp_AAAAAAAA_notarealtoken").GetAsync("api/v1/me");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ShouldAnswer403ProblemDetails_WhenTheRoleDoesNotAllowTheEndpoint()
    {
        var token = await _host.CreateTokenAsync("engineer@x.test");
        var response = await Client(token).GetAsync("api/v1/audit/verify");
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ProblemAsync(response)).GetProperty("detail").GetString()!.ShouldContain("role");
    }

    [Fact]
    public async Task ShouldRefuseWrites_WhenTheTokenIsReadOnly()
    {
        var readOnly = await _host.CreateTokenAsync("auditor@x.test", readOnly: true);
        (await Client(readOnly).GetAsync("api/v1/audit/verify")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var post = await Client(readOnly).PostAsJsonAsync("api/v1/audit/anchors", new { purpose = "x" });
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ProblemAsync(post)).GetProperty("detail").GetString()!.ShouldContain("read-only");

        var full = await _host.CreateTokenAsync("auditor@x.test");
        (await Client(full).PostAsJsonAsync("api/v1/audit/anchors", new { purpose = "x" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ShouldStopAuthenticating_WhenTheOwnerRevokesTheTokenThroughTheApi()
    {
        var token = await _host.CreateTokenAsync("engineer@x.test", name: "short-lived");
        var client = Client(token);
        var mine = await client.GetFromJsonAsync<JsonElement>("api/v1/tokens");
        var id = mine.EnumerateArray().Single().GetProperty("id").GetString();
        (await client.DeleteAsync($"api/v1/tokens/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ShouldReportTheChainIntact_WhenAnAuditorVerifiesThroughTheApi()
    {
        var token = await _host.CreateTokenAsync("auditor@x.test");
        var result = await Client(token).GetFromJsonAsync<JsonElement>("api/v1/audit/verify");
        result.GetProperty("intact").GetBoolean().ShouldBeTrue();
        result.GetProperty("eventsChecked").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ShouldAnswerABrokenChainAndRefuseWrites_WhenTheHeadRowIsDeleted()
    {
        var token = await _host.CreateTokenAsync("auditor@x.test");
        await using (var scope = _host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.ExecuteSqlRawAsync("DELETE FROM \"AuditChainHead\"");

        var verify = await Client(token).GetAsync("api/v1/audit/verify");
        verify.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await verify.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("intact").GetBoolean().ShouldBeFalse();
        result.GetProperty("problem").GetString()!.ShouldContain("AuditChainHead");

        var anchor = await Client(token).PostAsJsonAsync("api/v1/audit/anchors", new { purpose = "x" });
        anchor.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ProblemAsync(anchor)).GetProperty("detail").GetString()!.ShouldContain("AuditChainHead");
    }

    [Fact]
    public async Task ShouldNotAcceptTheBrowserCookie_WhenTheApiIsCalled()
    {
        // Cookie authentication is for pages; a request with only a cookie header is anonymous here.
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "mlops.auth=forged");
        (await client.GetAsync("api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ShouldServeHealthWithoutSignIn_WhenTheDatabaseIsReachable()
    {
        var health = await Client(null).GetFromJsonAsync<JsonElement>("health");
        health.GetProperty("status").GetString().ShouldBe("Healthy");
        health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().ShouldBe("Healthy");
        health.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task ShouldQueueAndReportAClusterCheck_WhenAnEngineerPostsOne()
    {
        var client = Client(await _host.CreateTokenAsync("engineer@x.test"));
        var created = await client.PostAsJsonAsync("api/v1/jobs/cluster-check", new { durationSeconds = 0 });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement run;
        var polls = 0;
        do
        {
            await Task.Delay(200);
            run = await client.GetFromJsonAsync<JsonElement>($"api/v1/jobs/{id}");
        } while (run.GetProperty("status").GetString() is "queued" or "running" && ++polls < 300);
        run.GetProperty("status").GetString().ShouldBe("succeeded");
        run.GetProperty("triggeredBy").GetString().ShouldBe("user:engineer@x.test");
        var workers = await client.GetFromJsonAsync<JsonElement>("api/v1/workers");
        workers.EnumerateArray().ShouldContain(w => w.GetProperty("id").GetString() == run.GetProperty("nodeId").GetString()
                                                    && w.GetProperty("state").GetString() == "healthy");
        var page = await client.GetFromJsonAsync<JsonElement>("api/v1/jobs?kind=diagnostic&status=succeeded");
        page.GetProperty("items").EnumerateArray().ShouldContain(r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task ShouldAnswer400WithTheAllowedValues_WhenAJobFilterIsUnknown()
    {
        var response = await Client(await _host.CreateTokenAsync("auditor@x.test")).GetAsync("api/v1/jobs?status=exploded");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemAsync(response)).GetProperty("detail").GetString()!.ShouldContain("succeeded");
    }

    [Fact]
    public async Task ShouldForbidPausingSchedules_WhenTheAuditorTries()
    {
        var client = Client(await _host.CreateTokenAsync("auditor@x.test"));
        var schedules = await client.GetFromJsonAsync<JsonElement>("api/v1/schedules");
        var id = schedules.EnumerateArray().First().GetProperty("id").GetString();
        (await client.PostAsync($"api/v1/schedules/{id}/pause", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetFromJsonAsync<JsonElement>("api/v1/schedules")).EnumerateArray().ShouldAllBe(s => !s.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task ShouldDescribeTheApiAndItsBearerScheme_WhenTheOpenApiDocumentIsFetched()
    {
        var doc = await Client(null).GetFromJsonAsync<JsonElement>("api/v1/openapi.json");
        doc.GetProperty("paths").TryGetProperty("/api/v1/me", out _).ShouldBeTrue();
        doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiToken").GetProperty("scheme").GetString().ShouldBe("bearer");
    }

    [Fact]
    public async Task ShouldRedirectToSignIn_WhenAPageIsRequestedAnonymously()
    {
        var response = await Client(null).GetAsync("admin/users");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }
}
