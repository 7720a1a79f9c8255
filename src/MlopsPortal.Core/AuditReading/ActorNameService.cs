using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.AuditReading;

/// <summary>How an actor reads to people: a display name, and what the audit string says in full (for a tooltip).</summary>
public sealed record ActorDisplay(string Text, string Detail, bool IsPerson);

/// <summary>
/// Turns the audit trail's actor strings (contracts §1: user:NAME, cli:USER, job:KEY, and the forms a run's
/// "triggered by" takes) into words: people by their display name, jobs and schedules by what they do.
/// </summary>
public sealed class ActorNameService(IDbContextFactory<PortalDbContext> factory, JobKinds kinds)
{
    public async Task<ActorDisplay> DescribeAsync(string? actor, CancellationToken ct = default) =>
        (await DescribeAsync([actor ?? ""], ct))[actor ?? ""];

    /// <summary>Describes several actors with one query per kind of actor.</summary>
    public async Task<IReadOnlyDictionary<string, ActorDisplay>> DescribeAsync(IEnumerable<string> actors, CancellationToken ct = default)
    {
        var distinct = actors.Distinct().ToList();
        var emails = distinct.SelectMany(Emails).Distinct().ToList();
        var runIds = distinct.Select(RunId).OfType<Guid>().Distinct().ToList();
        var scheduleIds = distinct.Select(ScheduleId).OfType<Guid>().Distinct().ToList();
        var alertIds = distinct.Select(AlertId).OfType<Guid>().Distinct().ToList();

        await using var db = await factory.CreateDbContextAsync(ct);
        var people = emails.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => emails.Contains(u.UserName!))
            .ToDictionaryAsync(u => u.UserName!, u => u.DisplayName, StringComparer.OrdinalIgnoreCase, ct);
        var runs = runIds.Count == 0 ? [] : await db.JobRuns.AsNoTracking().Where(r => runIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Kind, r.ScheduleId }).ToDictionaryAsync(r => r.Id, ct);
        scheduleIds.AddRange(runs.Values.Select(r => r.ScheduleId).OfType<Guid>());
        var schedules = scheduleIds.Count == 0 ? [] : await db.JobSchedules.AsNoTracking().Where(s => scheduleIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var alerts = alertIds.Count == 0 ? [] : await db.DriftAlerts.AsNoTracking().Where(a => alertIds.Contains(a.Id))
            .Join(db.ModelVersions, a => a.ModelVersionId, v => v.Id, (a, v) => new { a.Id, v.ModelId, v.Number })
            .Join(db.Models, x => x.ModelId, m => m.Id, (x, m) => new { x.Id, m.Slug, x.Number })
            .ToDictionaryAsync(a => a.Id, a => $"{a.Slug} v{a.Number}", ct);

        string Person(string email) => people.TryGetValue(email, out var name) && name.Length > 0 ? name : email;
        string Kind(string kind) => kinds.DisplayName(kind).ToLowerInvariant();

        ActorDisplay Describe(string actor)
        {
            var (head, by) = SplitBy(actor);
            var suffix = by is null ? "" : $" ({Person(by)})";
            if (head.StartsWith("user:", StringComparison.Ordinal))
                return new(Person(head[5..]), head[5..], IsPerson: true);
            if (head.StartsWith("cli:", StringComparison.Ordinal))
                return new($"Command line ({head[4..]})", actor, false);
            if (ScheduleId(head) is { } scheduleId)
                return new($"Scheduled job: {schedules.GetValueOrDefault(scheduleId, "a schedule")}{suffix}", actor, false);
            if (RunId(head) is { } runId && runs.TryGetValue(runId, out var run))
                return new(run.ScheduleId is { } sid && schedules.TryGetValue(sid, out var sname)
                    ? $"Scheduled job: {sname}" : $"Job: {Kind(run.Kind)}", actor, false);
            if (head.StartsWith("job:", StringComparison.Ordinal))
                return new("A job of the portal", actor, false);
            if (head.StartsWith("schedule:", StringComparison.Ordinal))
                return new($"Schedule “{head[9..]}”{suffix}", actor, false);
            if (AlertId(head) is { } alertId)
                return new($"Drift alert on {alerts.GetValueOrDefault(alertId, "a model")}{suffix}", actor, false);
            return head switch
            {
                "system" or "system:portal" => new("The portal", actor, false),
                "system:demo" or "system:demo-seed" => new("Demo workspace builder", actor, false),
                "" => new("—", "", false),
                _ => new(head + suffix, actor, false),
            };
        }
        return distinct.ToDictionary(a => a, Describe);
    }

    /// <summary>"drift-alert:ID (by user:NAME)" → ("drift-alert:ID", "NAME").</summary>
    private static (string Head, string? By) SplitBy(string actor)
    {
        var at = actor.IndexOf(" (by ", StringComparison.Ordinal);
        if (at < 0 || !actor.EndsWith(')')) return (actor, null);
        var by = actor[(at + 5)..^1];
        return (actor[..at], by.StartsWith("user:", StringComparison.Ordinal) ? by[5..] : by);
    }

    private static IEnumerable<string> Emails(string actor)
    {
        var (head, by) = SplitBy(actor);
        if (head.StartsWith("user:", StringComparison.Ordinal)) yield return head[5..];
        if (by is not null) yield return by;
    }

    /// <summary>job:GROUP.run-HEX (a one-off run's Quartz key).</summary>
    private static Guid? RunId(string actor)
    {
        var at = actor.IndexOf(".run-", StringComparison.Ordinal);
        return actor.StartsWith("job:", StringComparison.Ordinal) && at > 0 && Guid.TryParseExact(SplitBy(actor).Head[(at + 5)..], "N", out var id) ? id : null;
    }

    /// <summary>job:schedules.schedule-HEX (the job a schedule's trigger fires).</summary>
    private static Guid? ScheduleId(string actor)
    {
        const string prefix = "job:schedules.schedule-";
        var head = SplitBy(actor).Head;
        return head.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParseExact(head[prefix.Length..], "N", out var id) ? id : null;
    }

    private static Guid? AlertId(string actor)
    {
        var head = SplitBy(actor).Head;
        return head.StartsWith("drift-alert:", StringComparison.Ordinal) && Guid.TryParse(head[12..], out var id) ? id : null;
    }
}
