using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Components.Layout;
using Radzen;

namespace MlopsPortal.Web.Tests.Layout;

/// <summary>The shell's navigation shows each role what it may use, with the real policies.</summary>
public sealed class NavMenuTests : BunitContext
{
    public NavMenuTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
        Services.AddLogging();
        Services.AddAuthorizationCore(o => o.AddPortalPolicies());
        // bUnit registers a placeholder; these tests evaluate the portal's real policies.
        Services.Replace(ServiceDescriptor.Transient<IAuthorizationService, DefaultAuthorizationService>());
    }

    private IRenderedComponent<CascadingValue<Task<AuthenticationState>>> RenderFor(params string[] roles)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "u@x.test"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            roles.Length == 0 ? null : "Test", ClaimTypes.Name, ClaimTypes.Role);
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        return Render<CascadingValue<Task<AuthenticationState>>>(p => p
            .Add(c => c.Value, state)
            .AddChildContent<NavMenu>());
    }

    private static List<string> Links(IRenderedComponent<CascadingValue<Task<AuthenticationState>>> cut) =>
        cut.FindAll("[data-nav]").Select(e => e.GetAttribute("data-nav")!).ToList();

    [Theory]
    [InlineData(Roles.Administrator, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/admin/users", "/admin/notifications", "/admin/webhooks", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.ComplianceOfficer, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.Auditor, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.BusinessStakeholder, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.MlEngineer, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.DataScientist, new[] { "/", "/portfolio", "/models", "/datasets", "/jobs", "/workers", "/alerts", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    public void ShouldShowOnlyWhatTheRoleMayUse_WhenRenderedForOneRole(string role, string[] expected)
    {
        var cut = RenderFor(role);
        cut.WaitForAssertion(() => Links(cut).ShouldBe(expected));
    }

    [Fact]
    public void ShouldShowTheUnionOfPages_WhenAUserHoldsSeveralRoles()
    {
        var cut = RenderFor(Roles.MlEngineer, Roles.Auditor);
        cut.WaitForAssertion(() => Links(cut).ShouldContain("/audit"));
        Links(cut).ShouldNotContain("/admin/users");
    }

    [Fact]
    public void ShouldShowNothing_WhenNobodyIsSignedIn()
    {
        var cut = RenderFor();
        Links(cut).ShouldBeEmpty();
    }

    [Fact]
    public void ShouldRenderTitlesAsLinks_WhenAnAdministratorSeesTheMenu()
    {
        var cut = RenderFor(Roles.Administrator);
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Users and roles"));
        cut.FindAll("a[href='/admin/users'], a[href='admin/users']").ShouldNotBeEmpty();
    }
}
