using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Tests.Scheduling;

public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("0 2 * * *", "0 0 2 * * ?")]
    [InlineData("30 2 * * 1-5", "0 30 2 ? * 2-6")]
    [InlineData("0 3 1 * *", "0 0 3 1 * ?")]
    [InlineData("*/15 * * * *", "0 */15 * * * ?")]
    [InlineData("0 0 4 ? * MON", "0 0 4 ? * MON")]
    public void ShouldConvertToQuartzForm_WhenGivenClassicOrQuartzCron(string input, string expected) =>
        CronSchedule.Normalize(input).ShouldBe(expected);

    [Theory]
    [InlineData("0 30 2 ? * 2-6", "At 02:30, on Monday through Friday (UTC)")]
    [InlineData("0 0 2 * * ?", "At 02:00, every day (UTC)")]
    [InlineData("0 */15 * * * ?", "Every 15 minutes, every day (UTC)")]
    [InlineData("0 0 3 1 * ?", "At 03:00, on day 1 of the month (UTC)")]
    [InlineData("0 0 6 ? * MON,THU", "At 06:00, on Monday, Thursday (UTC)")]
    public void ShouldDescribeInPlainLanguage_WhenTheShapeIsCommon(string quartz, string expected) =>
        CronSchedule.Describe(quartz, TimeZoneInfo.Utc).ShouldBe(expected);

    [Fact]
    public void ShouldListTheNextFiveTimesInTheZone_WhenDaylightSavingChanges()
    {
        // Europe/Berlin leaves summer time on 2026-10-25: 02:30 local stays 02:30 local, the UTC offset changes.
        var preview = CronSchedule.Preview("30 2 * * *", "Europe/Berlin", 5, new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero));
        preview.NextFireTimes.Count.ShouldBe(5);
        preview.NextFireTimes.ShouldAllBe(t => t.Hour == 2 && t.Minute == 30);
        preview.NextFireTimes[0].Offset.ShouldBe(TimeSpan.FromHours(2));
        preview.NextFireTimes[^1].Offset.ShouldBe(TimeSpan.FromHours(1));
        preview.Description.ShouldBe("At 02:30, every day (Europe/Berlin)");
    }

    [Theory]
    [InlineData("", "Enter a cron expression")]
    [InlineData("* *", "has 2")]
    [InlineData("61 * * * *", "not a valid cron expression")]
    [InlineData("0 2 1 * 1", "either a day of the month or a day of the week")]
    public void ShouldExplainTheProblem_WhenTheExpressionIsBad(string input, string message) =>
        Should.Throw<PortalValidationException>(() => CronSchedule.Preview(input, "UTC")).Message.ShouldContain(message);

    [Fact]
    public void ShouldNameTheZone_WhenTheTimeZoneIsUnknown() =>
        Should.Throw<PortalValidationException>(() => CronSchedule.Preview("0 2 * * *", "Nowhere/Land")).Message.ShouldContain("Nowhere/Land");
}
