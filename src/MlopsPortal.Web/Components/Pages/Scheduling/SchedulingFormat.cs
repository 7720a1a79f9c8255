using System.Globalization;
using MlopsPortal.Core.Scheduling;
using MudBlazor;

namespace MlopsPortal.Web.Components.Pages.Scheduling;

/// <summary>How job and worker states read on the pages.</summary>
public static class SchedulingFormat
{
    /// <summary>A run's status in words, and the theme colour of its chip (the words carry the meaning; the colour repeats it).</summary>
    public static (Color Color, string Text) Status(JobRunStatus status) => status switch
    {
        JobRunStatus.Queued => (Color.Default, "Queued"),
        JobRunStatus.Running => (Color.Info, "Running"),
        JobRunStatus.Succeeded => (Color.Success, "Succeeded"),
        JobRunStatus.Failed => (Color.Error, "Failed"),
        JobRunStatus.Cancelled => (Color.Default, "Cancelled"),
        JobRunStatus.NotAvailable => (Color.Warning, "Not available yet"),
        JobRunStatus.Missed => (Color.Warning, "Missed"),
        _ => (Color.Default, MlopsPortal.Core.Display.DisplayNames.Of(status)),
    };

    public static (Color Color, string Text) State(WorkerState state) => state switch
    {
        WorkerState.Healthy => (Color.Success, "Healthy"),
        WorkerState.Late => (Color.Warning, "Late"),
        _ => (Color.Default, "Gone"),
    };

    public static string Ago(DateTime? utc, DateTime now)
    {
        if (utc is not { } t) return "—";
        var d = now - t;
        return d.TotalSeconds < 1 ? "just now"
            : d.TotalSeconds < 90 ? $"{d.TotalSeconds:0} s ago"
            : d.TotalMinutes < 90 ? $"{d.TotalMinutes:0} min ago"
            : d.TotalHours < 36 ? $"{d.TotalHours:0} h ago"
            : $"{d.TotalDays:0} days ago";
    }

    public static string Duration(TimeSpan? span) => span is not { } d ? "—"
        : d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
        : $"{(int)d.TotalHours} h {d.Minutes} min";

    public static string Utc(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "—";

    public static string InZone(DateTimeOffset? time, string timeZoneId)
    {
        if (time is not { } t) return "—";
        var local = TimeZoneInfo.ConvertTime(t, CronSchedule.FindTimeZone(timeZoneId));
        return local.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + $" ({local:zzz})";
    }

}
