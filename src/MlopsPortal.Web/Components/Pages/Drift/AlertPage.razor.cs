using Microsoft.AspNetCore.Components;
using MlopsPortal.Core.Display;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Web.Components.Pages.Drift;

/// <summary>One alert: what drifted (from its latest report), its timeline, triage for those who may, and its history.</summary>
public partial class AlertPage
{
    [Inject] private DriftService Drift { get; set; } = default!;
    [Inject] private TrainingService Training { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    private DriftAlert? alert;
    private IReadOnlyList<DriftAlertEvent> events = [];
    private DriftReportRecord? report;
    private DriftReportView? reportView;
    private IReadOnlyDictionary<string, List<DriftTrendPoint>> trends = new Dictionary<string, List<DriftTrendPoint>>();
    private IReadOnlyList<Assignee> assignees = [];
    private bool notFound, canTriage;
    private string slug = "";
    private int? versionNumber;

    /// <summary>"Prediction drift on credit-risk v1": the cause in words and the monitored version.</summary>
    private string Title => $"{CauseName(alert!.Cause)} on {slug}{(versionNumber is { } n ? $" v{n}" : "")}";

    public static string CauseName(string cause) => cause switch
    {
        "prediction-drift" => "Prediction drift",
        "dataset-drift" => "Feature drift",
        "live-performance" => "Live performance below its criteria",
        "live-fairness" => "Live fairness failing",
        "automatic-rollback" => "Automatic rollback",
        _ => DisplayNames.Words(cause),
    };

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        canTriage = await MayAsync(Policies.TriageAlerts);
        if (canTriage) assignees = await Drift.AssigneesAsync();
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            (alert, events) = await Drift.GetAlertAsync(Id);
        }
        catch (PortalNotFoundException)
        {
            notFound = true;
            return;
        }
        try
        {
            var version = await Training.GetVersionAsync(alert.ModelVersionId);
            (slug, versionNumber) = (version.ModelSlug, version.Version.Number);
        }
        catch (PortalNotFoundException)
        {
            slug = (await Drift.ModelSlugsAsync([alert.ModelId])).GetValueOrDefault(alert.ModelId) ?? "";
        }
        if (DriftService.IsDriftCause(alert.Cause) && report?.Id != alert.LastReportId)
        {
            try
            {
                report = await Drift.GetReportAsync(alert.LastReportId);
                reportView = DriftReportView.Parse(report.Report);
                trends = await Drift.TrendsAsync(report);
            }
            catch (PortalNotFoundException)
            {
                (report, reportView) = (null, null);
            }
        }
    }
}
