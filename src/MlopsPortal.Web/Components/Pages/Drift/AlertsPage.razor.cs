using Microsoft.AspNetCore.Components;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Components.Pages.Drift;

/// <summary>
/// The alert queue: filtered by model, status, severity and assignee, with how long each alert has been open; several
/// alerts selected at once are acknowledged or assigned together; a new alert shows without a reload (the alert feed).
/// </summary>
public partial class AlertsPage
{
    [Inject] private DriftService Drift { get; set; } = default!;
    [Inject] private ActorNameService ActorNames { get; set; } = default!;
    [Inject] private DriftAlertFeed Feed { get; set; } = default!;

    private const string Any = "", NotClosed = "not-closed", Nobody = "(nobody)";

    /// <summary>An alert as the queue lists it, with its model's slug and how long it has been (or was) open.</summary>
    private sealed record AlertRow(Guid Id, DateTime RaisedAt, DateTime? ClosedAt, string Model, AlertSeverity Severity, string Title, string Summary, int Reports,
        string? AssignedTo, AlertStatus Status)
    {
        public TimeSpan OpenFor => (ClosedAt ?? DateTime.UtcNow) - RaisedAt;
    }

    private List<AlertRow> rows = [], shown = [];
    private HashSet<AlertRow> selected = [];
    private IReadOnlyList<string> models = [];
    private IReadOnlyList<Assignee> assignees = [];
    private IReadOnlyDictionary<string, ActorDisplay> people = new Dictionary<string, ActorDisplay>();
    private string status = NotClosed, severity = Any, model = Any, assignedTo = Any;
    private string? bulkAssignee;
    private TimeSpan? mttd;
    private bool loading = true, canTriage;
    private IDisposable? subscription;

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        canTriage = await MayAsync(Policies.TriageAlerts);
        assignees = await Drift.AssigneesAsync();
        mttd = await Drift.MeanTimeToDetectAsync();
        await LoadAsync();
        // A new alert, or a step taken elsewhere, reloads the queue where it stands.
        subscription = Feed.Subscribe(_ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    public void Dispose() => subscription?.Dispose();

    private async Task LoadAsync()
    {
        loading = true;
        var alerts = await Drift.AlertsAsync(Enum.TryParse<AlertStatus>(status, out var s) ? s : null, null,
            Enum.TryParse<AlertSeverity>(severity, out var v) ? v : null);
        if (status == NotClosed) alerts = [.. alerts.Where(a => a.IsOpen)];
        var slugs = await Drift.ModelSlugsAsync(alerts.Select(a => a.ModelId));
        var versions = await Drift.VersionNumbersAsync(alerts.Select(a => a.ModelVersionId));
        rows = [.. alerts.Select(a =>
        {
            var slug = slugs.GetValueOrDefault(a.ModelId, "—");
            var title = $"{AlertPage.CauseName(a.Cause)} on {slug}{(versions.TryGetValue(a.ModelVersionId, out var n) ? $" v{n}" : "")}";
            return new AlertRow(a.Id, a.RaisedAt, a.ClosedAt, slug, a.Severity, title, a.Summary, a.Reports, a.AssignedTo, a.Status);
        })];
        models = [.. rows.Select(r => r.Model).Append(model).Where(m => m != Any).Distinct().Order(StringComparer.Ordinal)];
        // The grid's people in one query.
        people = await ActorNames.DescribeAsync(rows.Where(r => r.AssignedTo is not null).Select(r => $"user:{r.AssignedTo}"));
        Filter();
        loading = false;
    }

    private void Filter()
    {
        shown = [.. rows.Where(r => (model == Any || r.Model == model)
            && (assignedTo == Any || (assignedTo == Nobody ? r.AssignedTo is null : string.Equals(r.AssignedTo, assignedTo, StringComparison.OrdinalIgnoreCase))))];
        selected = [.. selected.Where(shown.Contains)];
    }

    private Task AcknowledgeSelectedAsync() => BulkAsync(async (actor, row) =>
    {
        if (row.Status == AlertStatus.Open) await Drift.AcknowledgeAsync(actor, row.Id);
    }, n => $"{DisplayNames.Plural(n, "alert")} acknowledged.");

    private Task AssignSelectedAsync() => BulkAsync((actor, row) => Drift.AssignAsync(actor, row.Id, bulkAssignee!),
        n => $"{DisplayNames.Plural(n, "alert")} assigned to {assignees.FirstOrDefault(a => a.UserName == bulkAssignee)?.DisplayName ?? bulkAssignee}.");

    /// <summary>One step per selected open alert, each audited on its own; the first refusal stops and says which alert.</summary>
    private async Task BulkAsync(Func<Actor, AlertRow, Task> step, Func<int, string> done)
    {
        var targets = selected.Where(r => r.ClosedAt is null).OrderBy(r => r.RaisedAt).ToList();
        var count = 0;
        await RunAsync(async () =>
        {
            foreach (var row in targets)
            {
                await step(Actor, row);
                count++;
            }
            return done(count);
        });
        selected = [];
        await LoadAsync();
    }

    /// <summary>A duration as people say it: "40 s", "12 min", "3.5 h", "2 days".</summary>
    public static string Format(TimeSpan t) => t.TotalMinutes < 1 ? $"{t.TotalSeconds:0} s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0} min" : t.TotalDays < 1 ? $"{t.TotalHours:0.#} h" : $"{t.TotalDays:0.#} days";
}
