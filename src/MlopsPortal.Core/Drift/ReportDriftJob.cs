using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Drift;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Drift;

/// <summary>
/// A drift report: the model version's raw training data is the reference (contracts §5), the current dataset version is
/// compared column by column on the model's feature columns with the model's drift policy (overrides, minimum rows,
/// dataset share). Crossing the policy raises an alert, or attaches to the open one, in the same transaction.
/// </summary>
public sealed class ReportDriftJob(JobServices services, IArtifactStore store) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "drift-report";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var request = context.Payload<DriftReportPayload>().Request;
        Datasets.DatasetVersion reference;
        List<Datasets.DatasetVersion> currents;
        ModelRegistry.Model model;
        ModelRegistry.ModelVersion version;
        var window = request.WindowHours ?? DriftService.DefaultWindowHours;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
        {
            (model, version) = await DriftService.ReferenceAsync(db, request, ct);
            reference = await db.DatasetVersions.AsNoTracking().SingleAsync(v => v.Id == version.TrainingDatasetVersionId, ct);
            var ids = request.CurrentDatasetVersionId is { } id ? [id]
                : await DriftService.ScoringInputsAsync(db, version.Id, DateTime.UtcNow.AddHours(-window), ct);
            currents = await db.DatasetVersions.AsNoTracking().Where(v => ids.Contains(v.Id)).OrderBy(v => v.AddedAt).ToListAsync(ct);
            if (request.CurrentDatasetVersionId is { } wanted && currents.Count == 0)
                throw new PortalNotFoundException($"The dataset version {wanted} no longer exists.");
        }
        if (currents.Count == 0)
            return new JobOutcome($"Version {version.Number} of {model.Slug} scored nothing in the last {window} hours: no new data to compare.");
        var current = currents[^1];
        var policy = model.DriftPolicy;
        var columns = model.FeatureColumns.Count > 0 ? model.FeatureColumns : null;
        context.Progress.Report(0.1, "reading the reference and the current data");
        var input = await Task.Run(() => DriftData.Read(() => store.OpenRead(reference.Sha256), currents.Select(c => (Func<Stream>)(() => store.OpenRead(c.Sha256))).ToList(), columns), ct);
        context.Progress.Report(0.5, $"comparing {input.Reference.Count} columns");
        var options = new DriftOptions
        {
            MinCurrentRows = policy.MinCurrentRows, DriftedShareThreshold = policy.DriftedShareThreshold,
            Overrides = policy.Overrides.ToDictionary(o => o.Column, o => new DriftOverride(o.Test, o.Threshold)),
        };
        var result = DriftAnalysis.Compare(input.Reference, input.Current, options, input.Skipped, ct);
        context.Progress.Report(0.7, "scoring the reference and the current data for prediction drift");
        DriftColumnResult? prediction = null;
        string? predictionNote = null;
        try
        {
            double[] Scores(Datasets.DatasetVersion data)
            {
                using var package = store.OpenRead(version.PackageSha256);
                return Array.ConvertAll(Scorer.Scores(package, () => store.OpenRead(data.Sha256)), x => (double)x);
            }
            var referenceScores = await Task.Run(() => Scores(reference), ct);
            var currentScores = await Task.Run(() => currents.SelectMany(Scores).ToArray(), ct);
            prediction = DriftAnalysis.CompareColumn(new NumericSample("score", referenceScores), new NumericSample("score", currentScores), options);
        }
        catch (Exception e) when (e is EncodingException or XGBoostException or FileNotFoundException)
        {
            predictionNote = $"No prediction drift: the version could not score the data ({e.Message}).";
            context.Progress.Log(predictionNote, "warn");
        }
        var judged = result.Columns.Count(c => c.Drifted is not null);
        var drifted = result.Columns.Count(c => c.Drifted == true);
        var record = new DriftReportRecord
        {
            Id = context.Run.Id, ModelId = model.Id, ModelVersionId = version.Id, ReferenceDatasetVersionId = reference.Id,
            CurrentDatasetVersionId = current.Id,
            Report = JsonSerializer.Serialize(DriftJson.From(result, input, withBins: true) with
            {
                Prediction = prediction is null ? null : DriftJson.ColumnObject(prediction, withBins: true), PredictionNote = predictionNote,
            }, Json),
            DriftedShare = result.DriftedShare, DatasetDrift = result.DatasetDrift, DriftedColumns = drifted, JudgedColumns = judged,
            // The oldest input: the first data that could have shown the drift.
            DataArrivedAt = currents[0].AddedAt, RequestedBy = context.Run.TriggeredBy, CreatedAt = DateTime.UtcNow,
        };
        var verdict = result.DatasetDrift switch
        {
            true => $"dataset drift: {drifted} of {judged} columns drifted",
            false => $"no dataset drift ({drifted} of {judged} columns drifted)",
            null => "no verdict: too few current rows",
        } + (prediction?.Drifted == true ? "; prediction drift" : "");
        var outcome = new JobOutcome($"{model.Slug} v{version.Number} against {currents.Sum(c => c.RowCount):N0} new rows{(currents.Count > 1 ? $" from {currents.Count} scoring inputs" : "")}: {verdict}.", EntityKinds.DriftReport, record.Id.ToString())
        {
            Persist = async (db, c) =>
            {
                var actor = Actor.Job(context.Run.JobKey).AuditName;
                db.DriftReports.Add(record);
                db.Audit(actor, "drift-report.completed", EntityKinds.DriftReport, record.Id.ToString(), new
                {
                    model = model.Slug, version = version.Number, current = currents.Select(c => c.Id.ToString()), windowHours = request.CurrentDatasetVersionId is null ? window : (int?)null, record.DriftedShare, record.DatasetDrift, drifted, judged,
                });
                db.AddLineage(EntityKinds.DatasetVersion, reference.Id.ToString(), EntityKinds.DriftReport, record.Id.ToString(), "reference");
                foreach (var input in currents)
                    db.AddLineage(EntityKinds.DatasetVersion, input.Id.ToString(), EntityKinds.DriftReport, record.Id.ToString(), "current");
                db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.DriftReport, record.Id.ToString(), "monitored");
                await DriftService.RaiseOrAttachAsync(db, actor, model, version, record, result, prediction, policy.DriftedShareThreshold, c);
            },
        };
        return outcome;
    }
}
