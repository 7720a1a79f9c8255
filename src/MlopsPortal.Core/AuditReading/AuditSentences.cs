using System.Globalization;
using System.Text.Json;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Display;

namespace MlopsPortal.Core.AuditReading;

/// <summary>
/// The names a sentence uses, resolved beforehand (one query per kind for a page of events, <see cref="AuditSentenceService"/>):
/// actors in words, people by display name, entities by the name the lineage gives them, approval requests by their subject.
/// A missing name falls back to what the event's payload says, never to an id.
/// </summary>
public sealed class AuditNames
{
    public static readonly AuditNames None = new();

    /// <summary>Actor string ("user:dana@x.test", "job:…") → words ("Dana Stakeholder").</summary>
    public IReadOnlyDictionary<string, string> Actors { get; init; } = new Dictionary<string, string>();
    /// <summary>User name (e-mail) or user id → display name.</summary>
    public IReadOnlyDictionary<string, string> People { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>"kind:id" → the entity's name ("credit-risk v3", "credit-applications v2").</summary>
    public IReadOnlyDictionary<string, string> Entities { get; init; } = new Dictionary<string, string>();
    /// <summary>Approval request id → its subject ("the promotion of credit-risk v3 to Production").</summary>
    public IReadOnlyDictionary<string, string> Requests { get; init; } = new Dictionary<string, string>();
    /// <summary>Job kind name → its name for people ("training" → "Training run").</summary>
    public IReadOnlyDictionary<string, string> JobKinds { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Every audit action told as a sentence with names ("Dana Stakeholder approved the promotion of credit-risk v3 to
/// Production"), for the audit trail, the home page and reports. Each action the code writes has its own sentence here;
/// a test reads the source for the actions and fails on one without a sentence.
/// </summary>
public static partial class AuditSentences
{
    private static readonly Dictionary<string, Func<Told, string>> Templates = new(StringComparer.Ordinal)
    {
        // ---- people, roles and access ------------------------------------------------------------------------
        ["user.created"] = t => $"{t.Who} created the account of {t.PersonOf("userName", t.Str("displayName"))}",
        ["user.locked"] = t => $"{t.Who} locked the account of {t.PersonOf("userName")}{t.Because("reason")}",
        ["user.unlocked"] = t => $"{t.Who} unlocked the account of {t.PersonOf("userName")}",
        ["user.password-reset"] = t => $"{t.Who} reset the password of {t.PersonOf("userName")}",
        ["role.granted"] = t => $"{t.Who} gave {t.PersonOf("userName")} the {t.RoleOf("role")} role",
        ["role.revoked"] = t => $"{t.Who} took the {t.RoleOf("role")} role from {t.PersonOf("userName")}",
        ["role-grant.requested"] = t => $"{t.Who} asked to give {t.PersonOf("userName")} the {t.RoleOf("role")} role; a second administrator must approve",
        ["role-grant.approved"] = t => $"{t.Who} approved giving {t.PersonOf("userName")} the {t.RoleOf("role")} role",
        ["role-grant.rejected"] = t => $"{t.Who} refused to give {t.PersonOf("userName")} the {t.RoleOf("role")} role{t.Because("comment")}",
        ["api-token.created"] = t => $"{t.Who} created the API token {t.Quoted("name")} for {t.PersonOf("userName")}{(t.Bool("readOnly") == true ? " (read-only)" : "")}",
        ["api-token.revoked"] = t => $"{t.Who} revoked the API token {t.Quoted("name")}",
        ["delegation.created"] = t => $"{t.Who} named {t.PersonOf("to")} their delegate for sign-offs from {t.Date("startsAt")} to {t.Date("endsAt")}",
        ["delegation.revoked"] = t => $"{t.Who} ended the delegation of sign-offs from {t.PersonOf("from")} to {t.PersonOf("to")}",

        // ---- data ----------------------------------------------------------------------------------------------
        ["dataset.created"] = t => $"{t.Who} created the dataset {t.Str("name") ?? t.Entity}",
        ["dataset.updated"] = t => $"{t.Who} changed the description or sensitive columns of the dataset {t.Str("name") ?? t.Entity}",
        ["dataset-version.added"] = t => $"{t.Who} added {t.Str("dataset") ?? "a dataset"} v{t.Int("version")} ({t.Count("rows", "row")}, {t.Count("columns", "column")})",
        ["outcomes.uploaded"] = t => $"{t.Who} uploaded {t.Count("rows", "true outcome")} for {t.Str("model")} ({t.Number("matched")} matched to scored rows)",

        // ---- models --------------------------------------------------------------------------------------------
        ["model.created"] = t => $"{t.Who} registered the model {t.Str("slug") ?? t.Entity}",
        ["model.updated"] = t => $"{t.Who} changed {t.ChangedFields()} of {t.Str("slug") ?? t.Entity}",
        ["model.acceptance-criteria-changed"] = t => $"{t.Who} changed the acceptance criteria of {t.Str("slug") ?? t.Entity}{t.SignedBy()}",
        ["model.confidence-band-changed"] = t => $"{t.Who} set the confidence band of {t.Str("slug") ?? t.Entity} to {t.Band()}{t.SignedBy()}",
        ["model.rollback-rules-changed"] = t => $"{t.Who} put new rollback rules for {t.Str("slug") ?? t.Entity} in force{t.SignedBy()}",
        ["model.reason-texts-signed"] = t => $"{t.Who} signed the reason texts of {t.Str("slug") ?? t.Entity} ({t.Count("features", "feature")})",
        ["model.rolled-back-automatically"] = t => $"{t.Who} rolled {t.Str("model")} back automatically from v{t.Int("from")} to v{t.Int("to")}, under a signed rollback rule",
        ["model.rollback-impossible"] = t => $"{t.Str("model")} v{t.Int("from")} broke a signed rollback rule, but there is no earlier version to roll back to",

        // ---- training, evaluation, fairness, scoring --------------------------------------------------------------
        ["training-run.started"] = t => $"Training of {t.Str("model")} started on {t.EntityOf("dataset-version", "datasetVersion", "the training data")} (seed {t.Int("seed")})",
        ["training-run.completed"] = t => t.Bool("reused") == true
            ? $"Training of {t.Str("model")} produced the same package as {t.EntityOf("model-version", "modelVersion", "an existing version")}"
            : $"Training of {t.Str("model")} produced {t.EntityOf("model-version", "modelVersion", "a new version")}",
        ["model-version.created"] = t => $"{t.Version} was trained{t.TrainedBy()}",
        ["model-version.registered"] = t => $"{t.Who} registered {t.Version}, trained outside the portal",
        ["model-version.reproduced"] = t => t.Bool("identical") == true
            ? $"{t.Version} was trained again from its recorded inputs: the package is identical"
            : $"{t.Version} was trained again from its recorded inputs: the package differs",
        ["model-version.stage-changed"] = t => $"{t.Who} moved {t.Version} {t.StageMove()}{t.Because("reason", " for ")}",
        ["evaluation.completed"] = t => $"{t.Version} was evaluated on {t.Count("rows", "held-out row")}: " + t.Bool("criteriaPassed") switch
        {
            true => "every acceptance criterion met",
            false => "an acceptance criterion missed",
            null => "no acceptance criteria to judge",
        },
        ["fairness-audit.completed"] = t => $"The fairness audit of {(t.Str("model") is null ? "a dataset" : t.Version)} by {t.List("sensitive")} gave the verdict {DisplayNames.Of(t.Str("verdict") ?? "none").ToLowerInvariant()}",
        ["fairness-policy.updated"] = t => $"{t.Who} changed the fairness thresholds for {t.Str("tier")}-risk models",
        ["scoring.completed"] = t => $"{t.Version} scored {t.Count("rows", "row")} on the {(t.Str("device") ?? "cpu").ToUpperInvariant()}",
        ["scoring.shadow-completed"] = t => $"The challenger {t.Entity} scored the same {t.Count("rows", "row")} in the shadow of v{t.Int("champion")}; they agree on {t.Percent("agreement")}",
        ["live-performance.measured"] = t => $"Live performance of {t.Version} was measured on {t.Count("labelled", "labelled row")}: {t.LiveFigures()}",

        // ---- drift -----------------------------------------------------------------------------------------------
        ["drift-report.completed"] = t => $"The drift report of {t.Version} found {(t.Int("drifted") == 0 ? "no feature" : $"{t.Int("drifted")} of {t.Int("judged")} features")} drifted"
            + (t.Bool("datasetDrift") == true ? ", enough to call the dataset drifted" : ""),
        ["drift-alert.raised"] = t => $"A {t.Str("severity")?.ToLowerInvariant()}-severity drift alert was raised on {t.Version}: {Cause(t.Str("cause"))}",
        ["drift-alert.repeated"] = t => $"A new report showed the {Cause(t.Str("cause"))} of {t.Alert} again",
        ["drift-alert.acknowledged"] = t => $"{t.Who} acknowledged the drift alert on {t.Alert}",
        ["drift-alert.assigned"] = t => t.Str("text") is { Length: > 0 } to
            ? $"{t.Who} assigned the drift alert on {t.Alert} to {t.Person(to)}"
            : $"{t.Who} unassigned the drift alert on {t.Alert}",
        ["drift-alert.commented"] = t => $"{t.Who} commented on the drift alert on {t.Alert}: {t.Quoted("text")}",
        ["drift-alert.resolved"] = t => $"{t.Who} resolved the drift alert on {t.Alert}: {t.Quoted("text")}",
        ["drift-alert.dismissed"] = t => $"{t.Who} dismissed the drift alert on {t.Alert} as expected: {t.Quoted("text")}",
        ["drift-alert.retraining-started"] = t => $"{t.Who} started retraining from the drift alert on {t.Alert}",

        // ---- approvals ---------------------------------------------------------------------------------------------
        ["approval.requested"] = t => $"{t.Who} requested {t.Request}",
        ["approval.gates-rechecked"] = t => $"{t.Who} ran the gates of {t.Request} again: {(t.Bool("gatesPassed") == false ? "a gate failed" : "every gate passed")}",
        ["approval.gates-overridden"] = t => $"{t.Who} overrode the failed gates of {t.Request}{t.Because("reason")}",
        ["approval.withdrawn"] = t => $"{t.Who} withdrew {t.Request}",
        ["approval.signed"] = t => $"{t.Who} approved {t.Request} as {t.RoleOf("role")}{t.OnBehalfOf()}",
        ["approval.rejected-by-signer"] = t => $"{t.Who} rejected {t.Request} as {t.RoleOf("role")}{t.OnBehalfOf()}",
        ["approval.rejected"] = t => $"{Capital(t.Request)} was rejected (by {t.Who}, {t.RoleOf("role")})",
        ["approval.approved"] = t => $"{Capital(t.Request)} was approved: {t.Who}'s sign-off was the last one it needed",
        ["approval.expired"] = t => $"{Capital(t.Request)} expired before every sign-off arrived",
        ["approval.expiry-reminder-sent"] = t => $"The signers were reminded that {t.Request} expires on {t.Date("expiresAt")}",
        ["approval-policy.changed"] = t => $"{t.Who} changed the sign-offs required for {Plural(t.Str("kind"))} of {t.Str("tier")}-risk models (policy version {t.Int("version")})",

        // ---- jobs and schedules ------------------------------------------------------------------------------------
        ["job.requested"] = t => $"{t.Who} queued {t.AJobKind} job{t.Because("reason")}",
        ["job.succeeded"] = t => $"The {t.JobKind} job succeeded{t.Colon("summary")}",
        ["job.failed"] = t => $"The {t.JobKind} job failed{t.Colon("error")}",
        ["job.cancelled"] = t => $"{t.Who} cancelled a queued {t.JobKind} job",
        ["job.cancel-requested"] = t => $"{t.Who} asked a running {t.JobKind} job to stop",
        ["job.notavailable"] = t => $"The {t.JobKind} job did nothing: this kind of job is not available in this portal yet",
        ["job.missed"] = t => $"The schedule {t.Quoted("schedule")} missed {t.Count("missed", "run")} due at {t.Time("due")} while no node was up",
        ["artifacts.swept"] = t => $"{t.Who} removed {t.Count("blobs", "stored file")} ({t.Bytes("bytes")}) that no record referred to: a process had stopped between storing them and saving their record",
        ["job-history.deleted"] = t => $"{t.Who} deleted {t.Count("count", "finished job run")} older than {t.Date("before")} (retention)",
        ["schedule.created"] = t => $"{t.Who} created the schedule {t.ScheduleName}{t.Because("reason", " for the ")}",
        ["schedule.updated"] = t => $"{t.Who} changed the timing of the schedule {t.ScheduleName}",
        ["schedule.paused"] = t => $"{t.Who} paused the schedule {t.ScheduleName}",
        ["schedule.resumed"] = t => $"{t.Who} resumed the schedule {t.ScheduleName}",
        ["schedule.deleted"] = t => $"{t.Who} deleted the schedule {t.ScheduleName}",

        // ---- reports, the trail itself, notifications, the demo ---------------------------------------------------------
        ["report.generated"] = t => $"The signed report {t.Quoted("title")} was issued ({t.Count("pages", "page")}), requested by {t.For("requestedBy")}",
        ["report-certificate.created"] = t => $"{t.Who} created a new report-signing certificate, valid until {t.Date("notAfter")}",
        ["audit.anchored"] = t => $"{t.Who} anchored the audit trail at event #{t.Int("sequence")}{t.Because("purpose", " for ")}",
        ["smtp-settings.changed"] = t => $"{t.Who} changed the e-mail (SMTP) settings",
        ["webhook.created"] = t => $"{t.Who} added the webhook {t.Quoted("name")}",
        ["webhook.updated"] = t => $"{t.Who} changed the webhook {t.Quoted("name")}",
        ["webhook.deleted"] = t => $"{t.Who} deleted the webhook {t.Quoted("name")}",
        ["webhook-delivery.requeued"] = t => $"{t.Who} queued a failed webhook delivery to be sent again",
        ["demo.workspace-built"] = t => $"{t.Who} built the demo workspace in {t.Number("seconds")} s",
    };

    /// <summary>Every action that has a sentence.</summary>
    public static IReadOnlyCollection<string> Actions => Templates.Keys;

    public static bool Has(string action) => Templates.ContainsKey(action);

    /// <summary>The event as one sentence, ending with a full stop. An action without a sentence still reads in words.</summary>
    public static string Of(AuditEvent e, AuditNames? names = null)
    {
        names ??= AuditNames.None;
        JsonElement payload;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(e.Payload) ? "{}" : e.Payload);
            payload = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            payload = JsonDocument.Parse("{}").RootElement.Clone();
        }
        var told = new Told(e, names, payload);
        var text = Templates.TryGetValue(e.Action, out var template)
            ? template(told)
            : $"{told.Who}: {DisplayNames.Words(e.Action).ToLowerInvariant()} ({told.Entity})";
        text = Capital(text.Trim());
        return text.EndsWith('.') || text.EndsWith('”') && text.Length > 1 && text[^2] == '.' ? text : text + ".";
    }

    private static string Cause(string? cause) => cause switch
    {
        "prediction-drift" => "the model's scores drifted",
        "dataset-drift" => "the input data drifted",
        null => "drift",
        _ => DisplayNames.Words(cause).ToLowerInvariant(),
    };

    private static string Plural(string? kind) => kind switch
    {
        null => "requests",
        "criteria-change" => "acceptance-criteria changes",
        "confidence-band" => "confidence-band changes",
        "rollback-rules" => "rollback-rule changes",
        _ => DisplayNames.Words(kind).ToLowerInvariant() + "s",
    };

    /// <summary>A GUID, with the word before it when it says what the GUID is ("report 07cd…", "Run 961d…").</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(\b[A-Za-z-]+ )?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial System.Text.RegularExpressions.Regex Ids();

    internal static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>One event being told: its payload read by name, and the names resolved for it.</summary>
    private sealed class Told(AuditEvent e, AuditNames names, JsonElement payload)
    {
        private const int QuoteLimit = 140;

        /// <summary>The actor as the subject of a sentence: "Dana Stakeholder", "the training job", "the scheduled job “Retrain credit-risk”".</summary>
        public string Who => Subject(names.Actors.TryGetValue(e.Actor, out var a) ? a : FallbackActor(e.Actor));

        private static string Subject(string actor) =>
            actor.StartsWith("Job: ", StringComparison.Ordinal) ? $"the {actor[5..]} job"
            : actor.StartsWith("Scheduled job: ", StringComparison.Ordinal) ? $"the scheduled job “{actor[15..]}”"
            : actor;

        /// <summary>Who a job acted for (a payload's "requestedBy" actor string), else the actor.</summary>
        public string For(string key) => Str(key) is { } by
            ? Subject(names.Actors.TryGetValue(by, out var a) ? a : by.StartsWith("user:", StringComparison.Ordinal) ? Person(by[5..]) : FallbackActor(by))
            : Who;

        /// <summary>The event's entity by name ("credit-risk v3"), else from the payload, else its kind in words.</summary>
        public string Entity => names.Entities.TryGetValue($"{e.EntityType}:{e.EntityId}", out var n) ? n
            : Str("model") is { } m && Int("version") is { } v ? $"{m} v{v}"
            : Str("name") ?? Str("slug") ?? $"a {DisplayNames.Words(e.EntityType).ToLowerInvariant()}";

        /// <summary>"credit-risk v3": a model version from the payload's model and version, else the entity.</summary>
        public string Version => Str("model") is { } m && Int("version") is { } v ? $"{m} v{v}" : Entity;

        public string Alert => names.Entities.TryGetValue($"{e.EntityType}:{e.EntityId}", out var n) ? n : Version is { } v && v != Entity ? v : "a model";

        /// <summary>The approval request's subject: resolved, else from the request's own payload, else "an approval request".</summary>
        public string Request
        {
            get
            {
                if (names.Requests.TryGetValue(e.EntityId, out var r)) return r;
                var model = Str("model");
                return Str("kind") switch
                {
                    "promotion" when model is not null => $"the promotion of {model} v{Int("version")} to {Str("target")}",
                    "rollback" when model is not null => $"the rollback of {model} to v{Int("version")}",
                    "criteria-change" when model is not null => $"a change to the acceptance criteria of {model}",
                    "confidence-band" when model is not null => $"a change to the confidence band of {model}",
                    "rollback-rules" when model is not null => $"a change to the rollback rules of {model}",
                    _ => "an approval request",
                };
            }
        }

        public string JobKind => Str("kind") is { } k ? (names.JobKinds.GetValueOrDefault(k) ?? DisplayNames.Words(k)).ToLowerInvariant() : "portal";

        /// <summary>"an evaluation", "a training run": the job kind with its article.</summary>
        public string AJobKind => JobKind is var kind && "aeiou".Contains(kind[0]) ? $"an {kind}" : $"a {kind}";

        public string ScheduleName => names.Entities.TryGetValue($"{e.EntityType}:{e.EntityId}", out var n) ? $"“{n}”"
            : Str("name") is { } name ? $"“{name}”"
            : Str("model") is { } m ? $"for {(Str("kind") is { } k ? DisplayNames.Words(k).ToLowerInvariant() : "retraining")} of {m}"
            : "";

        public string EntityOf(string kind, string key, string fallback) =>
            Str(key) is { } id && names.Entities.TryGetValue($"{kind}:{id}", out var n) ? n : fallback;

        public string Person(string userName) => names.People.TryGetValue(userName, out var p) && p.Length > 0 ? p : userName;

        public string PersonOf(string key, string? fallback = null) =>
            Str(key) is { } u ? Person(u) : fallback ?? (names.People.TryGetValue(e.EntityId, out var p) ? p : "a user");

        public string RoleOf(string key) => Str(key) is { } r ? DisplayNames.Role(r) : "a";

        public string? Str(string key) => Get(key) is { } v ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        } : null;

        public long? Int(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) ? (long)Math.Round(d) : null;

        public bool? Bool(string key) => Get(key) is { } v ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

        public string Number(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) ? DisplayNames.Number(d, 1) : "—";

        public string Percent(string key) => Get(key) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) ? DisplayNames.Percent(d) : "—";

        /// <summary>"3 runs": the number under <paramref name="key"/>, or the length of the list there.</summary>
        public string Count(string key, string noun) =>
            DisplayNames.Plural(Get(key) is { ValueKind: JsonValueKind.Array } a ? a.GetArrayLength() : Int(key) ?? 0, noun);

        public string Bytes(string key) => Int(key) is { } n ? DisplayNames.Bytes(n) : "—";

        public string List(string key) => Get(key) is { ValueKind: JsonValueKind.Array } a && a.GetArrayLength() > 0
            ? string.Join(", ", a.EnumerateArray().Select(PayloadFields.Text)) : "no attribute";

        public string Quoted(string key) => Str(key) is { } s ? $"“{Shorten(s)}”" : "(no text)";

        /// <summary>": the text" when the payload has it.</summary>
        public string Colon(string key) => Str(key) is { } s ? $": {Shorten(s)}" : "";

        /// <summary>" (“reason”)" or, with a lead-in, " for the reason".</summary>
        public string Because(string key, string? lead = null) => Str(key) is not { } s ? ""
            : lead is null ? $" (“{Shorten(s)}”)" : $"{lead}{Shorten(s)}";

        public string Date(string key) => Str(key) is { } s && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

        public string Time(string key) => Str(key) is { } s && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? d.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

        public string SignedBy()
        {
            if (Get("signedBy") is not { ValueKind: JsonValueKind.Array } a || a.GetArrayLength() == 0) return "";
            // Entries read "name (Role)"; the name is the user name.
            var people = a.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() ?? "" : PayloadFields.Text(x))
                .Select(s => s.IndexOf(" (", StringComparison.Ordinal) is var i and > 0 ? Person(s[..i]) : Person(s)).ToList();
            return $", signed off by {Join(people)}";
        }

        public string OnBehalfOf() => Str("onBehalfOf") is { } u ? $", on behalf of {Person(u)}" : "";

        public string TrainedBy() => Str("trainedBy") is null ? "" : $" (started by {For("trainedBy")})";

        public string StageMove()
        {
            var from = Str("from");
            var to = Str("to");
            if (from is null or "None") return $"into {to}";
            if (to is "None") return $"out of {from}";
            return $"from {from} to {to}";
        }

        public string Band() => Get("after") is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("low", out var lo) && b.TryGetProperty("high", out var hi)
            ? $"{PayloadFields.Text(lo)}–{PayloadFields.Text(hi)}" : "none";

        public string ChangedFields()
        {
            if (Get("changes") is not { ValueKind: JsonValueKind.Object } c) return "the definition";
            var fields = c.EnumerateObject().Select(p => DisplayNames.Words(p.Name).ToLowerInvariant()).ToList();
            return fields.Count == 0 ? "nothing" : "the " + Join(fields);
        }

        public string LiveFigures()
        {
            var parts = new List<string>();
            if (Get("metrics") is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("auc", out var auc) && auc.TryGetDouble(out var a))
                parts.Add($"AUC {DisplayNames.Number(a, 3)}");
            if (Get("bandShare") is { ValueKind: JsonValueKind.Number } b && b.TryGetDouble(out var share))
                parts.Add($"{DisplayNames.Percent(share)} of scores inside the confidence band");
            if (Get("breaches") is { ValueKind: JsonValueKind.Array } br && br.GetArrayLength() > 0)
                parts.Add($"{DisplayNames.Plural(br.GetArrayLength(), "rollback rule")} broken");
            return parts.Count == 0 ? "no figures" : string.Join(", ", parts);
        }

        private JsonElement? Get(string key)
        {
            if (payload.ValueKind != JsonValueKind.Object) return null;
            if (payload.TryGetProperty(key, out var v)) return v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : v;
            foreach (var p in payload.EnumerateObject())
                if (string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                    return p.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : p.Value;
            return null;
        }

        /// <summary>One line, ids left out (a job's summary may name a GUID), at most <see cref="QuoteLimit"/> characters.</summary>
        private static string Shorten(string text)
        {
            var one = Ids().Replace(text.ReplaceLineEndings(" "), "").Replace(" ()", "").Trim();
            return one.Length <= QuoteLimit ? one : one[..(QuoteLimit - 1)].TrimEnd() + "…";
        }

        private static string Join(IReadOnlyList<string> items) => items.Count switch
        {
            0 => "",
            1 => items[0],
            _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
        };

        /// <summary>Without resolved names: a person by e-mail, the portal and jobs in words, never a key.</summary>
        private static string FallbackActor(string actor) => actor switch
        {
            "system" or "system:portal" => "The portal",
            "system:demo" or "system:demo-seed" => "The demo workspace builder",
            _ when actor.StartsWith("user:", StringComparison.Ordinal) => actor[5..],
            _ when actor.StartsWith("cli:", StringComparison.Ordinal) => $"The command line ({actor[4..]})",
            _ when actor.StartsWith("job:", StringComparison.Ordinal) => "A job of the portal",
            _ => actor,
        };
    }
}
