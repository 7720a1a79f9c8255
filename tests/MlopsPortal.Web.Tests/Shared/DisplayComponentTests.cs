using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Web.Components.Shared;
using MudBlazor;

namespace MlopsPortal.Web.Tests.Shared;

/// <summary>The shared display components: people and entities by name, never ids; UTC times with a relative hover; one feedback per action.</summary>
public sealed class DisplayComponentTests(SqlitePortal portal) : IClassFixture<SqlitePortal>
{
    [Fact]
    public async Task ShouldShowAPersonByDisplayName_WithTheirEmailOnHover()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<ActorName>(p => p.Add(a => a.Actor, $"user:{SqlitePortal.Email}"));
        cut.WaitForAssertion(() => cut.Find("span").TextContent.ShouldBe(SqlitePortal.DisplayName));
        cut.Find("span").GetAttribute("title").ShouldBe(SqlitePortal.Email);
        cut.Find("span").ClassList.ShouldContain("portal-person");
    }

    [Theory]
    [InlineData("{0} (Compliance officer)", " (Compliance officer)")]
    [InlineData("user:{0} (proposed)", " (proposed)")]
    public async Task ShouldNameTheSignerAndKeepTheirPart_WhetherRecordedAsAUserNameOrAnAuditActor(string recorded, string part)
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<MlopsPortal.Web.Components.Pages.Approvals.SignerName>(p => p.Add(s => s.Text, string.Format(recorded, SqlitePortal.Email)));
        cut.WaitForAssertion(() => cut.Find("span").TextContent.ShouldBe(SqlitePortal.DisplayName));
        var shown = string.Concat(cut.Nodes.Select(n => n.TextContent));
        shown.ShouldBe(SqlitePortal.DisplayName + part);
        shown.ShouldNotContain("user:");
    }

    [Theory]
    [InlineData("job:schedules.schedule-0123456789abcdef0123456789abcdef", "Scheduled job: a schedule")]
    [InlineData("cli:root", "Command line (root)")]
    [InlineData("system:demo", "Demo workspace builder")]
    [InlineData("system", "The portal")]
    [InlineData("drift-alert:5f0c4a8e-2d7b-4f37-9d6e-0a1b2c3d4e5f (by user:dana@x.test)", "Drift alert on a model (Dana Stakeholder)")]
    [InlineData("schedule:Retrain credit-risk (by user:dana@x.test)", "Schedule “Retrain credit-risk” (Dana Stakeholder)")]
    public async Task ShouldDescribeSystemActorsInWords_NeverAsTheirIds(string actor, string expected)
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<ActorName>(p => p.Add(a => a.Actor, actor));
        cut.WaitForAssertion(() => cut.Find("span").TextContent.ShouldBe(expected));
        cut.Find("span").TextContent.ShouldNotContain("0123456789abcdef");
        cut.Find("span").GetAttribute("title").ShouldBe(actor);
    }

    [Fact]
    public async Task ShouldLinkAnEntityByItsName_WhenGivenItsKindAndId()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<EntityLink>(p => p.Add(l => l.Kind, EntityKinds.Model).Add(l => l.Id, portal.Model.Id.ToString()));
        cut.WaitForAssertion(() => cut.Find("a").TextContent.ShouldBe("credit-risk"));
        cut.Find("a").GetAttribute("href").ShouldBe("/models/credit-risk");
        cut.Markup.ShouldNotContain(portal.Model.Id.ToString());
    }

    [Fact]
    public async Task ShouldSayAnEntityIsGone_WithoutShowingItsId()
    {
        await using var ctx = portal.NewContext();
        var id = Guid.NewGuid().ToString();
        var cut = ctx.Render<EntityLink>(p => p.Add(l => l.Kind, EntityKinds.ModelVersion).Add(l => l.Id, id));
        cut.WaitForAssertion(() => cut.Find("span").TextContent.ShouldBe("Model version (no longer exists)"));
        cut.FindAll("a").ShouldBeEmpty();
        cut.Markup.ShouldNotContain(id);
    }

    [Fact]
    public async Task ShouldShowUtcAndTheMachineReadableInstant_WithARelativeTimeOnHover()
    {
        await using var ctx = portal.NewContext();
        var at = DateTime.UtcNow.AddMinutes(-3);
        var cut = ctx.Render<UtcTime>(p => p.Add(t => t.Value, at));
        var time = cut.Find("time");
        time.TextContent.ShouldBe($"{at:yyyy-MM-dd HH:mm} UTC");
        time.GetAttribute("datetime").ShouldBe(at.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        time.GetAttribute("title").ShouldBe("3 minutes ago");
        ctx.Render<UtcTime>(p => p.Add(t => t.Value, null).Add(t => t.Empty, "never")).Markup.ShouldContain("never");
    }

    [Fact]
    public async Task ShouldShowASnackbarAndNoInlineError_WhenAnActionWorks()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<ActionProbe>();
        cut.Find("[data-testid=works]").Click();
        var snackbar = ctx.Services.GetRequiredService<ISnackbar>();
        cut.WaitForAssertion(() => snackbar.ShownSnackbars.Select(s => s.Message).ShouldBe(["Saved."]));
        cut.FindAll("[role=alert]").ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldShowTheErrorInlineAndNoSnackbar_WhenTheServiceRefuses()
    {
        await using var ctx = portal.NewContext();
        var cut = ctx.Render<ActionProbe>();
        cut.Find("[data-testid=refused]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=action-error]").TextContent.ShouldContain("longer than 200 characters"));
        cut.Find("[data-testid=action-error]").GetAttribute("role").ShouldBe("alert");
        ctx.Services.GetRequiredService<ISnackbar>().ShownSnackbars.ShouldBeEmpty();

        // The next action clears the old error: exactly one feedback, for the last action.
        cut.Find("[data-testid=silent]").Click();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=action-error]").ShouldBeEmpty());
        ctx.Services.GetRequiredService<ISnackbar>().ShownSnackbars.ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldPlaceTwoPointsOfOneDayAtTheirOwnTimes_WhenChartingOverTime()
    {
        await using var ctx = portal.NewContext();
        var day = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
        var cut = ctx.Render<TimeChart>(p => p.Add(c => c.Caption, "Drifted share").Add(c => c.Series,
        [
            new TimeChart.Line("Drifted share", [new(day.AddHours(9), 0.1, "/drift-reports/a"), new(day.AddHours(15), 0.35, "/drift-reports/b")]),
        ]).Add(c => c.YFormat, v => $"{v * 100:0} %"));

        var rows = cut.FindAll(".portal-chart-data tbody tr");
        rows.Count.ShouldBe(2);
        rows[0].TextContent.ShouldContain("2026-12-07 09:00:00");
        rows[1].TextContent.ShouldContain("2026-12-07 15:00:00");
        rows[1].QuerySelector("a")!.GetAttribute("href").ShouldBe("/drift-reports/b");
        rows[1].TextContent.ShouldContain("35 %");
    }
}
