using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Web.Components.Pages.Monitoring;
using MlopsPortal.Web.Tests.Shared;
using MudBlazor.Interop;

namespace MlopsPortal.Web.Tests.Monitoring;

/// <summary>The live page's chart is a time axis: batches scored on the same day stand apart by their times.</summary>
public sealed class LiveTrendChartTests
{
    private static LiveBatchPoint Batch(string at, double? auc, double? band) =>
        new(Guid.NewGuid(), DateTime.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), 2000, 2000, band, auc);

    private static List<double> Xs(string path) =>
        Regex.Matches(path, @"-?\d+(\.\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).Where((_, i) => i % 2 == 0).ToList();

    [Fact]
    public async Task ShouldPlaceEachBatchAtItsOwnTime_WhenSeveralWereScoredOnOneDay()
    {
        await using var ctx = MudContext.Create();
        // What the browser would measure: the chart's box and its axis labels.
        ctx.JSInterop.Setup<ElementSize>("mudObserveElementSize", _ => true).SetResult(new ElementSize { Width = 700, Height = 280, Timestamp = 1 });
        ctx.JSInterop.Setup<ElementSize>("mudGetSvgBBox", _ => true).SetResult(new ElementSize { Width = 40, Height = 14, Timestamp = 1 });
        var cut = ctx.Render<LiveTrendChart>(p => p
            .Add(c => c.Points, [Batch("2026-12-07 09:54:01", 0.80, 0.82), Batch("2026-12-07 09:54:02", 0.79, 0.81), Batch("2026-12-07 15:30:00", 0.77, 0.80)])
            .Add(c => c.MetricName, "AUC")
            .Add(c => c.FillWidth, false));

        cut.WaitForAssertion(() => cut.FindAll("path.mud-chart-line").Count.ShouldBe(2), TimeSpan.FromSeconds(5));
        var lines = cut.FindAll("path.mud-chart-line").Select(p => Xs(p.GetAttribute("d")!)).ToList();
        lines.Count.ShouldBe(2);
        foreach (var xs in lines)
        {
            xs.Count.ShouldBe(3);
            xs.Distinct().Count().ShouldBe(3);
            // Proportional to time: the afternoon batch is far to the right of the two a second apart.
            (xs[2] - xs[1]).ShouldBeGreaterThan(100 * (xs[1] - xs[0]));
        }
        cut.Find("[data-testid=live-trend-table]").TextContent.ShouldContain("2026-12-07 15:30:00");
    }

    [Theory]
    [InlineData(2, "HH:mm:ss")]          // seconds apart
    [InlineData(60 * 5, "HH:mm")]        // one morning
    [InlineData(60 * 24 * 2, "MM-dd HH:mm")]
    [InlineData(60 * 24 * 90, "yyyy-MM-dd")]
    public void ShouldLabelTheTimeAxisInTheUnitThatTellsBatchesApart(int minutes, string format) =>
        LiveTrendChart.Axis(TimeSpan.FromMinutes(minutes == 2 ? 0.05 : minutes)).Format.ShouldBe(format);
}
