using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Web.Components.Pages.Scheduling;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.Scheduling;

/// <summary>The cron editor: plain-language preview and five fire times, errors instead of a save.</summary>
public sealed class ScheduleEditorTests
{
    [Fact]
    public async Task ShouldDescribeAndListFiveFireTimes_WhenTheExpressionIsValid()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<ScheduleEditor>(p => p.Add(e => e.Cron, "30 2 * * 1-5").Add(e => e.TimeZoneId, "Europe/Berlin"));
        cut.Find("[data-testid=schedule-preview]").TextContent.ShouldContain("At 02:30, on Monday through Friday (Europe/Berlin)");
        cut.FindAll(".portal-fire-times li").Count.ShouldBe(5);
        cut.Find("[data-testid=schedule-save]").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldShowTheErrorAndDisableSave_WhenTheExpressionBecomesInvalid()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<ScheduleEditor>(p => p.Add(e => e.Cron, "0 2 * * *"));
        cut.Find("input[data-testid=schedule-cron]").Input("0 25 * * *");
        cut.WaitForAssertion(() => cut.Find("[data-testid=schedule-error]").TextContent.ShouldContain("not a valid cron expression"));
        cut.FindAll("[data-testid=schedule-preview]").ShouldBeEmpty();
        cut.Find("[data-testid=schedule-save]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldPassTheExpressionZoneAndModel_WhenSaveIsClicked()
    {
        await using var ctx = MudContext.Create();
        (string Cron, string Zone, string? Model)? saved = null;
        var cut = ctx.Render<ScheduleEditor>(p => p
            .Add(e => e.Cron, "0 3 1 * *")
            .Add(e => e.Models, ["credit-risk"])
            .Add(e => e.ModelSlug, "credit-risk")
            .Add(e => e.OnSave, ((string Cron, string TimeZoneId, string? ModelSlug) v) => saved = (v.Cron, v.TimeZoneId, v.ModelSlug)));
        cut.Find("[data-testid=schedule-save]").Click();
        saved.ShouldBe(("0 3 1 * *", "UTC", "credit-risk"));
    }

    [Fact]
    public async Task ShouldRequireAModel_WhenANewRetrainingScheduleHasNoneChosen()
    {
        await using var ctx = MudContext.Create();
        var cut = ctx.Render<ScheduleEditor>(p => p.Add(e => e.Models, ["credit-risk"]));
        cut.Find("[data-testid=schedule-save]").HasAttribute("disabled").ShouldBeTrue();
    }
}
