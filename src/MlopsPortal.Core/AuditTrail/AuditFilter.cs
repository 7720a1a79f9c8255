namespace MlopsPortal.Core.AuditTrail;

/// <summary>
/// What a reader of the audit trail narrows it to: an actor, a family of actions ("approval", "model-version"…), an entity
/// kind or one entity, a time range (UTC) and text anywhere in the event. The page, the CSV and the JSON export share it.
/// </summary>
public sealed record AuditFilter(
    string? Actor = null, string? ActionFamily = null, string? EntityType = null, string? EntityId = null,
    DateTime? From = null, DateTime? Until = null, string? Text = null)
{
    public static readonly AuditFilter None = new();

    /// <summary>Applies the filter as SQL (text matches are case-insensitive).</summary>
    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events)
    {
        if (Clean(Actor) is { } actor)
        {
            var a = actor.ToLowerInvariant();
            events = events.Where(e => e.Actor.ToLower().Contains(a));
        }
        if (Clean(ActionFamily) is { } family)
        {
            var prefix = family.ToLowerInvariant() + ".";
            events = events.Where(e => e.Action.StartsWith(prefix) || e.Action == family);
        }
        if (Clean(EntityType) is { } type) events = events.Where(e => e.EntityType == type);
        if (Clean(EntityId) is { } id) events = events.Where(e => e.EntityId == id);
        if (From is { } from) events = events.Where(e => e.OccurredAt >= from);
        if (Until is { } until) events = events.Where(e => e.OccurredAt < until);
        if (Clean(Text) is { } text)
        {
            var t = text.ToLowerInvariant();
            events = events.Where(e => e.Payload.ToLower().Contains(t) || e.Action.ToLower().Contains(t) || e.Actor.ToLower().Contains(t) || e.EntityId.ToLower().Contains(t));
        }
        return events;
    }

    /// <summary>The filter as a query string for the exports ("?actor=…&amp;action=…").</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string key, string? value) { if (Clean(value) is { } v) parts.Add($"{key}={Uri.EscapeDataString(v)}"); }
        Add("actor", Actor); Add("action", ActionFamily); Add("entityType", EntityType); Add("entityId", EntityId);
        Add("from", From?.ToString("yyyy-MM-ddTHH:mm:ssZ")); Add("until", Until?.ToString("yyyy-MM-ddTHH:mm:ssZ")); Add("q", Text);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
