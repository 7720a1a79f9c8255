using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Drift;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// A drift report: the model version's raw training data is the reference (contracts §5), the current dataset version is
/// compared column by column on the model's feature columns with the model's drift policy (overrides, minimum rows,
/// dataset share). Crossing the policy raises an alert, or attaches to the open one, in the same transaction.
/// </summary>
public sealed class ReportDriftJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var request = context.Payload<DriftReportPayload>().Request;
        Datasets.DatasetVersion reference, current;
        ModelRegistry.Model model;
        Training.ModelVersion version;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            (model, version) = await DriftService.ReferenceAsync(db, request, ct);
            reference = await db.DatasetVersions.AsNoTracking().SingleAsync(v => v.Id == version.TrainingDatasetVersionId, ct);
            current = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == request.CurrentDatasetVersionId, ct)
                      ?? throw new PortalNotFoundException($"The dataset version {request.CurrentDatasetVersionId} no longer exists.");
        }
        var policy = model.DriftPolicy;
        var columns = model.FeatureColumns.Count > 0 ? model.FeatureColumns : null;
        context.Progress.Report(0.1, "reading the reference and the current data");
        var input = await Task.Run(() => DriftData.Read(() => store.OpenRead(reference.Sha256), () => store.OpenRead(current.Sha256), columns), ct);
        context.Progress.Report(0.5, $"comparing {input.Reference.Count} columns");
        var options = new DriftOptions
        {
            MinCurrentRows = policy.MinCurrentRows, DriftedShareThreshold = policy.DriftedShareThreshold,
            Overrides = policy.Overrides.ToDictionary(o => o.Column, o => new DriftOverride(o.Test, o.Threshold)),
        };
        var result = DriftAnalysis.Compare(input.Reference, input.Current, options, input.Skipped, ct);
        var judged = result.Columns.Count(c => c.Drifted is not null);
        var drifted = result.Columns.Count(c => c.Drifted == true);
        var record = new DriftReportRecord
        {
            Id = context.Run.Id, ModelId = model.Id, ModelVersionId = version.Id, ReferenceDatasetVersionId = reference.Id,
            CurrentDatasetVersionId = current.Id, Report = JsonSerializer.Serialize(DriftJson.From(result, input, withBins: true), Json),
            DriftedShare = result.DriftedShare, DatasetDrift = result.DatasetDrift, DriftedColumns = drifted, JudgedColumns = judged,
            DataArrivedAt = current.AddedAt, RequestedBy = context.Run.TriggeredBy, CreatedAt = DateTime.UtcNow,
        };
        var verdict = result.DatasetDrift switch
        {
            true => $"dataset drift: {drifted} of {judged} columns drifted",
            false => $"no dataset drift ({drifted} of {judged} columns drifted)",
            null => "no verdict: too few current rows",
        };
        var outcome = new JobOutcome($"{model.Slug} v{version.Number} against {current.RowCount:N0} new rows: {verdict}.", "drift-report", record.Id.ToString())
        {
            Persist = async (db, c) =>
            {
                var actor = Actor.Job(context.Run.JobKey).AuditName;
                db.DriftReports.Add(record);
                db.Audit(actor, "drift-report.completed", "drift-report", record.Id.ToString(), new
                {
                    model = model.Slug, version = version.Number, current = current.Id.ToString(), record.DriftedShare, record.DatasetDrift, drifted, judged,
                });
                db.AddLineage(EntityKinds.DatasetVersion, reference.Id.ToString(), "drift-report", record.Id.ToString(), "reference");
                db.AddLineage(EntityKinds.DatasetVersion, current.Id.ToString(), "drift-report", record.Id.ToString(), "current");
                db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), "drift-report", record.Id.ToString(), "monitored");
                await DriftService.RaiseOrAttachAsync(db, actor, model, version, record, policy.DriftedShareThreshold, c);
            },
        };
        return outcome;
    }
}
