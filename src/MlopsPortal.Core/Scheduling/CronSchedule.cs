using System.Globalization;
using System.Text.RegularExpressions;
using MlopsPortal.Core.Security;
using Quartz;

namespace MlopsPortal.Core.Scheduling;

/// <summary>A validated cron schedule: Quartz's expression, its time zone, a description and the next fire times.</summary>
public sealed record CronPreview(string Expression, string TimeZoneId, string Description, IReadOnlyList<DateTimeOffset> NextFireTimes);

/// <summary>
/// Cron expressions as people type them: Quartz's 6–7 fields (with seconds) or classic 5-field cron,
/// which is converted (seconds 0, Sunday = 0 shifted to Quartz's Sunday = 1, "?" where Quartz needs it).
/// The plain-language description is written by hand: no cron-description library is available here.
/// </summary>
public static partial class CronSchedule
{
    public static CronPreview Preview(string expression, string timeZoneId, int count = 5, DateTimeOffset? after = null)
    {
        var quartz = Normalize(expression);
        var zone = FindTimeZone(timeZoneId);
        CronExpression cron;
        try
        {
            cron = new CronExpression(quartz, zone);
        }
        catch (FormatException e)
        {
            throw new PortalValidationException($"'{expression}' is not a valid cron expression: {e.Message}");
        }
        var times = new List<DateTimeOffset>();
        var from = after ?? DateTimeOffset.UtcNow;
        while (times.Count < count && cron.GetNextValidTimeAfter(from) is { } next)
        {
            times.Add(TimeZoneInfo.ConvertTime(next, zone));
            from = next;
        }
        if (times.Count == 0)
            throw new PortalValidationException($"'{expression}' never fires after {from:yyyy-MM-dd}.");
        return new CronPreview(quartz, zone.Id, Describe(quartz, zone), times);
    }

    public static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(id) ? "UTC" : id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new PortalValidationException($"Unknown time zone '{id}': use an IANA name such as Europe/Berlin or UTC.");
        }
    }

    /// <summary>Turns 5-field cron into Quartz's form; passes 6–7 field expressions through.</summary>
    public static string Normalize(string expression)
    {
        var fields = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 0)
            throw new PortalValidationException("Enter a cron expression, for example 0 2 * * * (every day at 02:00).");
        if (fields.Length is < 5 or > 7)
            throw new PortalValidationException($"A cron expression has 5 fields (minute hour day month weekday) or Quartz's 6–7; '{expression}' has {fields.Length}.");
        if (fields.Length == 5)
        {
            var dow = fields[4];
            if (!dow.Contains('/'))
                dow = Digits().Replace(dow, m => ((int.Parse(m.Value, CultureInfo.InvariantCulture) % 7) + 1).ToString(CultureInfo.InvariantCulture));
            fields = ["0", fields[0], fields[1], fields[2], fields[3], dow];
        }
        // Quartz wants "?" in one of day-of-month and day-of-week.
        if (fields[3] != "?" && fields[5] != "?")
        {
            if (fields[5] == "*") fields[5] = "?";
            else if (fields[3] == "*") fields[3] = "?";
            else throw new PortalValidationException("Give either a day of the month or a day of the week, not both.");
        }
        return string.Join(' ', fields);
    }

    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;

    /// <summary>"At 02:30, Monday through Friday (Europe/Berlin)" — the common shapes; others read field by field.</summary>
    public static string Describe(string quartzExpression, TimeZoneInfo zone)
    {
        var f = quartzExpression.Split(' ');
        var (sec, min, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        string time;
        if (IsNumber(sec) && IsNumber(min) && hour.Split(',').All(IsNumber))
            time = "At " + string.Join(" and ", hour.Split(',').Select(h => $"{int.Parse(h, CultureInfo.InvariantCulture):00}:{int.Parse(min, CultureInfo.InvariantCulture):00}"))
                   + (sec == "0" ? "" : $":{int.Parse(sec, CultureInfo.InvariantCulture):00}");
        else if (Step(min) is { } everyMinutes && hour == "*")
            time = $"Every {everyMinutes} minutes";
        else if (IsNumber(min) && Step(hour) is { } everyHours)
            time = $"At minute {min} past every {everyHours} hours";
        else if (IsNumber(min) && hour == "*")
            time = $"At minute {min} of every hour";
        else if (min == "*" && hour == "*")
            time = "Every minute";
        else
            time = $"At second {sec}, minute {min}, hour {hour}";

        string days;
        if (dow != "?" && dow != "*")
            days = "on " + DescribeDays(dow);
        else if (dom == "L")
            days = "on the last day of the month";
        else if (dom != "?" && dom != "*")
            days = $"on day {dom} of the month";
        else
            days = "every day";
        var months = month == "*" ? "" : " in " + string.Join(", ", month.Split(',').Select(m =>
            int.TryParse(m, out var n) && n is >= 1 and <= 12 ? MonthNames[n - 1] : m));
        return $"{time}, {days}{months} ({zone.Id})";
    }

    private static string DescribeDays(string dow)
    {
        string Name(string d) => int.TryParse(d, out var n) && n is >= 1 and <= 7 ? DayNames[n - 1]
            : DayNames.FirstOrDefault(x => x.StartsWith(d, StringComparison.OrdinalIgnoreCase)) ?? d;
        return string.Join(", ", dow.Split(',').Select(part => part.Split('-') is [var a, var b]
            ? $"{Name(a)} through {Name(b)}"
            : Name(part)));
    }

    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static string? Step(string s) => s.Split('/') is [var start, var step] && (start is "*" or "0") && IsNumber(step) ? step : null;

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
