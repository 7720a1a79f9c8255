using System.Net;
using MlopsPortal.Testing;
using MlopsPortal.Web.Hosting;

namespace MlopsPortal.Web.Tests.Security;

/// <summary>Every answer carries the security headers; HSTS only over HTTPS, also when a trusted proxy says so.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;

    public async Task InitializeAsync() => _host = await PortalTestHost.StartAsync(kestrel: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("Account/Login")]
    [InlineData("")]
    [InlineData("api/v1/openapi.json")]
    [InlineData("api/v1/me")]
    [InlineData("health")]
    [InlineData("favicon.svg")]
    [InlineData("no-such-page")]
    public async Task ShouldSendTheSecurityHeaders_OnEveryKindOfAnswer(string path)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        using var response = await client.GetAsync(path);
        var csp = response.Headers.GetValues("Content-Security-Policy").ToList();
        csp.ShouldBe([SecurityHeadersMiddleware.ContentSecurityPolicy], "one policy, with frame-ancestors, and no second frame-ancestors header");
        csp[0].ShouldContain("script-src 'self';");
        csp[0].ShouldNotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["same-origin"]);
        response.Headers.GetValues("Permissions-Policy").Single().ShouldContain("camera=()");
        response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse("plain HTTP never asks for HSTS");
    }

    [Fact]
    public async Task ShouldAskForHsts_WhenTheProxyInFrontSaysTheRequestCameOverHttps()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "Account/Login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").ShouldBe(["max-age=31536000; includeSubDomains"]);
    }
}
