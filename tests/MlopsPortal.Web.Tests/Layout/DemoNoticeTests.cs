using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Demo;
using MlopsPortal.Web.Components.Layout;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Layout;

/// <summary>While serve --demo builds the workspace, every page says so with its step; then the notice goes.</summary>
public sealed class DemoNoticeTests
{
    [Fact]
    public async Task ShouldFollowTheBuildStepByStep_AndDisappearWhenItIsReady()
    {
        await using var ctx = MudContext.Create();
        var progress = new DemoProgress();
        ctx.Services.AddSingleton(progress);
        var cut = ctx.Render<DemoNotice>();
        cut.FindAll("[data-testid=demo-building]").ShouldBeEmpty();

        progress.Start();
        cut.WaitForAssertion(() => cut.Find("[data-testid=demo-building]").TextContent.ShouldContain("step 1 of 10"));
        progress.Step("Ingested data");
        cut.WaitForAssertion(() => cut.Find("[data-testid=demo-building]").TextContent.ShouldContain("step 2 of 10 (done: ingested data)"));

        progress.Finish(null);
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=demo-building]").ShouldBeEmpty());
        cut.FindAll("[data-testid=demo-failed]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldSayWhy_WhenTheBuildFails()
    {
        await using var ctx = MudContext.Create();
        var progress = new DemoProgress();
        ctx.Services.AddSingleton(progress);
        var cut = ctx.Render<DemoNotice>();
        progress.Start();
        progress.Finish("The training job failed: no node runs jobs.");
        cut.WaitForAssertion(() => cut.Find("[data-testid=demo-failed]").TextContent.ShouldContain("no node runs jobs"));
    }
}
