using Bunit;
using MlopsPortal.Core.Dashboards;
using MlopsPortal.Web.Components.Pages.Dashboards;

namespace MlopsPortal.Web.Tests.Demo;

/// <summary>A dashboard figure: the number is a link to its evidence, and "nothing measured" says so instead of a zero.</summary>
public sealed class FigureTileTests : BunitContext
{
    [Fact]
    public void ShouldLinkTheFormattedNumberToItsEvidence_WhenAValueWasMeasured()
    {
        var cut = Render<FigureTile>(p => p.Add(t => t.Title, "Job success rate").Add(t => t.Figure, new Figure(0.875, "/jobs?status=Failed", "last 30 days", 8))
            .Add(t => t.Format, v => v.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)).Add(t => t.TestId, "figure"));

        var link = cut.Find("a.portal-figure-value");
        link.TextContent.ShouldBe("87.5 %");
        link.GetAttribute("href").ShouldBe("/jobs?status=Failed");
        cut.Find(".portal-figure-note").TextContent.ShouldBe("last 30 days");
    }

    [Fact]
    public void ShouldShowADashAndTheReason_WhenNothingWasMeasured()
    {
        var cut = Render<FigureTile>(p => p.Add(t => t.Title, "Mean time to roll back").Add(t => t.Figure, new Figure(null, "/alerts", "No automatic rollback in the last 30 days.")));

        cut.Find("a.portal-figure-value").TextContent.ShouldBe("—");
        cut.Find(".portal-figure-note").TextContent.ShouldContain("No automatic rollback");
    }
}
