using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Components.Layout;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Layout;

/// <summary>The shell's navigation shows each role what it may use, grouped by purpose, with the real policies.</summary>
public sealed class NavMenuTests
{
    private static (BunitContext Context, IRenderedComponent<CascadingValue<Task<AuthenticationState>>> Menu) RenderFor(params string[] roles)
    {
        var ctx = MudContext.Create();
        ctx.Services.AddLogging();
        ctx.Services.AddAuthorizationCore(o => o.AddPortalPolicies());
        // bUnit registers a placeholder; these tests evaluate the portal's real policies.
        ctx.Services.Replace(ServiceDescriptor.Transient<IAuthorizationService, DefaultAuthorizationService>());
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "u@x.test"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            roles.Length == 0 ? null : "Test", ClaimTypes.Name, ClaimTypes.Role);
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        var menu = ctx.Render<CascadingValue<Task<AuthenticationState>>>(p => p.Add(c => c.Value, state).AddChildContent<NavMenu>());
        return (ctx, menu);
    }

    private static List<string> Links(IRenderedComponent<CascadingValue<Task<AuthenticationState>>> cut) =>
        cut.FindAll("[data-nav]").Select(e => e.GetAttribute("data-nav")!).ToList();

    private static List<string> Groups(IRenderedComponent<CascadingValue<Task<AuthenticationState>>> cut) =>
        cut.FindAll(".portal-nav-group").Select(e => e.TextContent.Trim()).ToList();

    [Theory]
    [InlineData(Roles.Administrator, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/admin/users", "/admin/notifications", "/admin/webhooks", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.ComplianceOfficer, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.Auditor, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/audit", "/reports", "/notifications", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.BusinessStakeholder, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.MlEngineer, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    [InlineData(Roles.DataScientist, new[] { "/", "/portfolio", "/models", "/datasets", "/alerts", "/jobs", "/workers", "/approvals", "/approval-policy", "/fairness-policy", "/notifications", "/account/delegation", "/account/tokens", "/Account/Manage" })]
    public async Task ShouldShowOnlyWhatTheRoleMayUse_WhenRenderedForOneRole(string role, string[] expected)
    {
        var (ctx, cut) = RenderFor(role);
        await using var _ = ctx;
        cut.WaitForAssertion(() => Links(cut).ShouldBe(expected));
    }

    [Fact]
    public async Task ShouldGroupThePagesByPurpose_AndLeaveOutAGroupWithNothingToShow()
    {
        var (admin, adminMenu) = RenderFor(Roles.Administrator);
        await using var a = admin;
        adminMenu.WaitForAssertion(() => Groups(adminMenu).ShouldBe(["Registry", "Monitoring", "Governance", "Administration", "My account"]));

        var (engineer, engineerMenu) = RenderFor(Roles.MlEngineer);
        await using var e = engineer;
        engineerMenu.WaitForAssertion(() => Groups(engineerMenu).ShouldBe(["Registry", "Monitoring", "Governance", "My account"]));
    }

    [Fact]
    public async Task ShouldShowTheUnionOfPages_WhenAUserHoldsSeveralRoles()
    {
        var (ctx, cut) = RenderFor(Roles.MlEngineer, Roles.Auditor);
        await using var _ = ctx;
        cut.WaitForAssertion(() => Links(cut).ShouldContain("/audit"));
        Links(cut).ShouldNotContain("/admin/users");
    }

    [Fact]
    public async Task ShouldShowNothing_WhenNobodyIsSignedIn()
    {
        var (ctx, cut) = RenderFor();
        await using var _ = ctx;
        Links(cut).ShouldBeEmpty();
        Groups(cut).ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldRenderTitlesAsLinks_WhenAnAdministratorSeesTheMenu()
    {
        var (ctx, cut) = RenderFor(Roles.Administrator);
        await using var _ = ctx;
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Users and roles"));
        cut.FindAll("a[href='/admin/users'], a[href='admin/users']").ShouldNotBeEmpty();
    }
}
