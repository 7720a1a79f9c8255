using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.AuditReading;

/// <summary>
/// Tells a page of audit events as sentences: resolves the names every sentence needs with one query per kind of name
/// (actors, people, entities, approval subjects, alerts, schedules), then lets <see cref="AuditSentences"/> write them.
/// </summary>
public sealed class AuditSentenceService(IDbContextFactory<PortalDbContext> factory, ActorNameService actorNames, LineageService lineage, JobKinds kinds)
{
    /// <summary>Payload keys that hold a person's user name.</summary>
    private static readonly string[] PersonKeys = ["userName", "to", "from", "onBehalfOf", "text"];

    /// <summary>Payload keys that hold another entity's id, and its kind.</summary>
    private static readonly (string Key, string Kind)[] EntityKeys =
        [("datasetVersion", EntityKinds.DatasetVersion), ("modelVersion", EntityKinds.ModelVersion)];

    /// <summary>Sequence → sentence, for the given events.</summary>
    public async Task<IReadOnlyDictionary<long, string>> SentencesAsync(IReadOnlyCollection<AuditEvent> events, CancellationToken ct = default)
    {
        var names = await NamesAsync(events, ct);
        return events.ToDictionary(e => e.Sequence, e => AuditSentences.Of(e, names));
    }

    public async Task<AuditNames> NamesAsync(IReadOnlyCollection<AuditEvent> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return AuditNames.None;
        var payloads = events.Select(e => (Event: e, Payload: Read(e.Payload))).ToList();

        var actorStrings = events.Select(e => e.Actor)
            .Concat(payloads.SelectMany(p => new[] { Str(p.Payload, "trainedBy"), Str(p.Payload, "requestedBy") }).OfType<string>()).Distinct().ToList();
        var actors = await actorNames.DescribeAsync(actorStrings, ct);

        var userNames = payloads.SelectMany(p => PersonKeys.Select(k => Str(p.Payload, k)).Concat(SignedBy(p.Payload)))
            .OfType<string>().Where(s => s.Contains('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var userIds = events.Where(e => e.EntityType == EntityKinds.User).Select(e => e.EntityId).Distinct().ToList();

        var refs = events.Where(e => e.EntityType is not (EntityKinds.DriftAlert or EntityKinds.ApprovalRequest or "schedule" or EntityKinds.User))
            .Select(e => (e.EntityType, e.EntityId))
            .Concat(payloads.SelectMany(p => EntityKeys.Select(k => (k.Kind, Id: Str(p.Payload, k.Key))).Where(r => r.Id is not null).Select(r => (r.Kind, r.Id!))))
            .Distinct().ToList();
        var entities = (await lineage.NameAsync(refs, ct))
            .Where(n => n.Value.Url is not null).ToDictionary(n => n.Key, n => n.Value.Name);

        await using var db = await factory.CreateDbContextAsync(ct);
        var people = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (userNames.Count > 0 || userIds.Count > 0)
            foreach (var u in await db.Users.AsNoTracking().Where(u => userNames.Contains(u.UserName!) || userIds.Contains(u.Id))
                         .Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct))
            {
                var shown = u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? u.Id;
                people[u.Id] = shown;
                if (u.UserName is not null) people[u.UserName] = shown;
            }

        var alertIds = Guids(events, EntityKinds.DriftAlert);
        if (alertIds.Count > 0)
            foreach (var a in await db.DriftAlerts.AsNoTracking().Where(a => alertIds.Contains(a.Id))
                         .Join(db.ModelVersions, a => a.ModelVersionId, v => v.Id, (a, v) => new { a.Id, v.ModelId, v.Number })
                         .Join(db.Models, x => x.ModelId, m => m.Id, (x, m) => new { x.Id, m.Slug, x.Number }).ToListAsync(ct))
                entities[$"{EntityKinds.DriftAlert}:{a.Id}"] = $"{a.Slug} v{a.Number}";

        var scheduleIds = Guids(events, "schedule");
        if (scheduleIds.Count > 0)
            foreach (var s in await db.JobSchedules.AsNoTracking().Where(s => scheduleIds.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
                entities[$"schedule:{s.Id}"] = s.Name;

        var requests = await RequestSubjectsAsync(db, events.Where(e => e.EntityType == EntityKinds.ApprovalRequest).Select(e => e.EntityId).Distinct().ToList(), people, ct);

        return new AuditNames
        {
            Actors = actors.ToDictionary(a => a.Key, a => a.Value.Text),
            People = people,
            Entities = entities,
            Requests = requests,
            JobKinds = kinds.All.ToDictionary(k => k.Name, k => k.DisplayName),
        };
    }

    /// <summary>"the promotion of credit-risk v3 to Production", "a change to the acceptance criteria of credit-risk".</summary>
    private static async Task<Dictionary<string, string>> RequestSubjectsAsync(PortalDbContext db, List<string> ids, Dictionary<string, string> people, CancellationToken ct)
    {
        var subjects = new Dictionary<string, string>();
        if (ids.Count == 0) return subjects;
        var requests = await db.ApprovalRequests.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.Kind, r.SubjectType, r.SubjectId, r.ModelId, r.TargetStage, r.Payload, r.Summary }).ToListAsync(ct);
        var modelIds = requests.Select(r => r.ModelId).OfType<Guid>().Distinct().ToList();
        var slugs = await db.Models.AsNoTracking().Where(m => modelIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Slug, ct);
        var versionIds = requests.Where(r => r.SubjectType == EntityKinds.ModelVersion).Select(r => Guid.TryParse(r.SubjectId, out var g) ? g : Guid.Empty).Distinct().ToList();
        var numbers = await db.ModelVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Number, ct);
        var grantees = requests.Where(r => r.Kind == ApprovalKinds.RoleGrant).Select(r => r.SubjectId).ToList();
        foreach (var u in await db.Users.AsNoTracking().Where(u => grantees.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.UserName }).ToListAsync(ct))
            people.TryAdd(u.Id, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? u.Id);

        foreach (var r in requests)
        {
            var slug = r.ModelId is { } m && slugs.TryGetValue(m, out var s) ? s : "a model";
            var number = Guid.TryParse(r.SubjectId, out var vid) && numbers.TryGetValue(vid, out var n) ? $"v{n}" : null;
            var version = number is null ? slug : $"{slug} {number}";
            subjects[r.Id] = r.Kind switch
            {
                ApprovalKinds.Promotion => $"the promotion of {version} to {r.TargetStage ?? VersionStage.Production}",
                ApprovalKinds.Rollback => $"the rollback of {slug} to {number ?? "an earlier version"}",
                ApprovalKinds.CriteriaChange => $"a change to the acceptance criteria of {slug}",
                ApprovalKinds.ConfidenceBand => $"a change to the confidence band of {slug}",
                ApprovalKinds.RollbackRules => $"a change to the rollback rules of {slug}",
                ApprovalKinds.RoleGrant => $"giving {people.GetValueOrDefault(r.SubjectId, "a user")} the {DisplayNames.Role(Str(Read(r.Payload), "role") ?? "")} role",
                _ => r.Summary.Length > 0 ? r.Summary : "an approval request",
            };
        }
        return subjects;
    }

    private static List<Guid> Guids(IEnumerable<AuditEvent> events, string kind) =>
        events.Where(e => e.EntityType == kind).Select(e => Guid.TryParse(e.EntityId, out var g) ? g : (Guid?)null).OfType<Guid>().Distinct().ToList();

    private static JsonElement Read(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? Str(JsonElement payload, string key) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>"signedBy": ["dana@x.test (Business stakeholder)", …] or [{ "userName": … }, …].</summary>
    private static IEnumerable<string?> SignedBy(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("signedBy", out var list) || list.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in list.EnumerateArray())
            yield return item.ValueKind switch
            {
                JsonValueKind.String => item.GetString() is { } s && s.IndexOf(" (", StringComparison.Ordinal) is var i and > 0 ? s[..i] : item.GetString(),
                JsonValueKind.Object => Str(item, "userName"),
                _ => null,
            };
    }
}
