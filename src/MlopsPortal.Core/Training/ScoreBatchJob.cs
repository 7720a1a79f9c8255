using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Core.Training;

/// <summary>
/// Scores a dataset version with a version on the CPU. The output (key columns, score, prediction) becomes a
/// new version of the dataset "&lt;model&gt;-scores", with lineage to both inputs, committed with the outcome.
/// </summary>
public sealed class ScoreBatchJob(JobServices services, IArtifactStore store, DatasetService datasets) : PortalJob(services)
{
    /// <summary>The job kind's name: runs, schedules and audit events name it.</summary>
    public const string Kind = "batch-scoring";

    protected override async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var payload = context.Payload<ScoringPayload>();
        var (version, model, data) = await VersionInputs.LoadAsync(Services, payload.ModelVersionId, payload.DatasetVersionId, ct);
        var threshold = payload.Threshold ?? model.DecisionThreshold;
        var (predictor, device) = ChooseDevice(context, GpuCapable(version.Engine) ? payload.Device ?? ScoringDevices.Cpu : ScoringDevices.Cpu);
        if (!GpuCapable(version.Engine) && payload.Device == ScoringDevices.Auto)
            device.Note = $"auto: {Engine.Models.ModelEngines.DisplayName(version.Engine)} models score on the CPU.";
        // Per attempt and node: a node taken for dead may still be writing its own file.
        var scratch = Path.Combine(Services.Paths.ArtifactsDirectory, "tmp", $"scores-{context.Run.Id:N}-{context.Run.Attempts}-{Services.Node.Id}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(scratch)!);
        try
        {
            context.Progress.Report(0.1, "scoring");
            var scored = await Task.Run(() =>
            {
                using var package = store.OpenRead(version.PackageSha256);
                using var output = new StreamWriter(scratch, false, new System.Text.UTF8Encoding(false), 1 << 16);
                return Scorer.Score(package, () => store.OpenRead(data.Sha256), output, model.KeyColumns, threshold, ct: ct, predictor: predictor, reasons: payload.Reasons);
            }, ct);
            ct.ThrowIfCancellationRequested();
            var shadow = version.Stage == VersionStage.Production ? await ShadowAsync(context, model, version, data, threshold, scratch, ct) : null;
            context.Progress.Report(0.8, "storing the scores");
            ArtifactRef blob;
            await using (var file = File.OpenRead(scratch))
                blob = await store.PutAsync(file, ct: ct);
            var profile = datasets.Profile(blob.Sha256);
            var name = $"{model.Slug}-scores";
            var fileName = $"{model.Slug}-v{version.Number}-scores.csv";
            JobOutcome? outcome = null;
            outcome = new JobOutcome("", EntityKinds.DatasetVersion)
            {
                Persist = async (db, token) =>
                {
                    // One scoring output of a model at a time: the next version number of its scores dataset is ours.
                    await ModelRowLock.TakeAsync(db, model.Id, token);
                    var actor = Actor.Job(context.Run.JobKey).AuditName;
                    var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, token);
                    var output = dataset is null ? null
                        : await db.DatasetVersions.FirstOrDefaultAsync(v => v.DatasetId == dataset.Id && v.Sha256 == blob.Sha256, token);
                    output ??= datasets.Stage(db, actor, name, dataset, blob, profile, fileName);
                    // input → job ← version, job → output: the job is the node that answers "where did this prediction come from".
                    var job = context.Run.Id.ToString();
                    db.AddLineage(EntityKinds.DatasetVersion, data.Id.ToString(), EntityKinds.ScoringJob, job, "input");
                    db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.ScoringJob, job, "scored-with");
                    db.AddLineage(EntityKinds.ScoringJob, job, EntityKinds.DatasetVersion, output.Id.ToString(), "produced");
                    db.Audit(actor, "scoring.completed", EntityKinds.DatasetVersion, output.Id.ToString(), new
                    {
                        model = model.Slug, version = version.Number, input = data.Id.ToString(), rows = scored.Rows, threshold = scored.Threshold,
                        device = device.Used, requestedDevice = payload.Device ?? ScoringDevices.Cpu, reasons = payload.Reasons,
                    });
                    if (shadow is not null)
                    {
                        shadow.ChampionOutputId = output.Id;
                        db.ShadowScorings.Add(shadow);
                        db.Audit(actor, "scoring.shadow-completed", EntityKinds.ModelVersion, shadow.ChallengerVersionId.ToString(), new
                        {
                            model = model.Slug, job = job, champion = version.Number, rows = shadow.Rows, agreement = shadow.AgreementRate, sha256 = shadow.ShadowSha256,
                        });
                    }
                    outcome!.OutputEntityId = output.Id.ToString();
                    outcome.Summary = (shadow is null ? "" : $"Shadow-scored by the Staging challenger too ({shadow.AgreementRate:P1} agreement). ") + $"Scored {scored.Rows:N0} rows with version {version.Number} of {model.Slug} {device.Where}: version {output.Version} of {name}."
                                      + (device.Note is null ? "" : $" {device.Note}") + (payload.Reasons > 0 ? $" With {payload.Reasons} reasons per row ({scored.ReasonsNote})" : "");
                },
            };
            return outcome;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>
    /// Shadow scoring: the champion's batch scored by the newest Staging version too, on the CPU of this node, into a blob that
    /// only the comparison page reads (no dataset version, no lineage edge, nothing downstream). A failure is logged and the
    /// champion's scores stand.
    /// </summary>
    private async Task<Training.ShadowScoring?> ShadowAsync(JobContext context, Model model, ModelVersion champion, DatasetVersion data, double threshold,
        string championScratch, CancellationToken ct)
    {
        ModelVersion? challenger;
        await using (var db = await Services.DbFactory.CreateDbContextAsync(ct))
            challenger = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == model.Id && v.Stage == VersionStage.Staging)
                .OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (challenger is null) return null;
        var scratch = championScratch + ".shadow";
        try
        {
            context.Progress.Report(0.5, $"shadow scoring with the challenger v{challenger.Number}");
            await Task.Run(() =>
            {
                using var package = store.OpenRead(challenger.PackageSha256);
                using var output = new StreamWriter(scratch, false, new System.Text.UTF8Encoding(false), 1 << 16);
                return Scorer.Score(package, () => store.OpenRead(data.Sha256), output, model.KeyColumns, threshold, ct: ct);
            }, ct);
            ArtifactRef blob;
            await using (var file = File.OpenRead(scratch))
                blob = await store.PutAsync(file, ct: ct);
            var a = Training.ShadowComparison.ReadScores(championScratch);
            var b = Training.ShadowComparison.ReadScores(scratch);
            var classifier = model.Task == ModelTask.BinaryClassification;
            context.Progress.Log($"Shadow scores of the challenger v{challenger.Number}: {b.Length:N0} rows, blob {blob.Sha256}.");
            return new Training.ShadowScoring
            {
                Id = context.Run.Id, ModelId = model.Id, ChampionVersionId = champion.Id, ChallengerVersionId = challenger.Id, InputDatasetVersionId = data.Id,
                ShadowSha256 = blob.Sha256, Rows = b.Length, AgreementRate = classifier ? Training.ShadowComparison.Agreement(a, b, threshold) : null,
                MeanAbsDifference = Training.ShadowComparison.MeanAbsDifference(a, b),
                ChampionHistogram = Training.ShadowComparison.Histogram(a, classifier), ChallengerHistogram = Training.ShadowComparison.Histogram(b, classifier),
                CreatedAt = DateTime.UtcNow,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Progress.Log($"Shadow scoring with v{challenger.Number} failed; the champion's scores stand: {e.Message}", "warn");
            return null;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>What the job ended up using, in words for the summary, and why when it is not what was asked.</summary>
    private sealed class DeviceChoice
    {
        public string Used { get; set; } = ScoringDevices.Cpu;
        public string Where { get; set; } = "on the CPU";
        public string? Note { get; set; }
    }

    /// <summary>
    /// cpu: libxgboost. cuda: this node's GPU (the scheduler sends cuda jobs only to GPU nodes; a node without one
    /// refuses, naming what is missing). auto: the GPU when this node declared one, else the CPU, saying so.
    /// </summary>
    private (Scorer.Predictor? Predictor, DeviceChoice Device) ChooseDevice(JobContext context, string requested)
    {
        var choice = new DeviceChoice();
        if (requested == ScoringDevices.Cpu) return (null, choice);
        if (!Services.Node.HasGpu)
        {
            var why = Engine.Scoring.CudaForest.Probe().Message;
            if (requested == ScoringDevices.Cuda)
                throw new PortalValidationException($"This node ({Services.Node.Id}) cannot run a cuda job: {why}");
            choice.Note = $"auto: this node has no GPU ({why}), so it scored on the CPU.";
            context.Progress.Log(choice.Note);
            return (null, choice);
        }
        return ((manifest, json, table) =>
        {
            if (manifest.Engine == Engine.Models.ModelEngines.Onnx)
                return OnnxOnGpu(context, requested, choice, manifest, json, table);
            try
            {
                var forest = Engine.Scoring.TreeForest.FromXGBoostJson(json);
                using var cuda = new Engine.Scoring.CudaForest();
                var scores = new float[table.Rows];
                var timing = cuda.Score(forest, table.Values, table.Rows, table.Columns, scores);
                choice.Used = ScoringDevices.Cuda;
                choice.Where = $"on the GPU ({cuda.Device.DeviceName})";
                context.Progress.Log($"GPU {cuda.Device.Message}: {table.Rows:N0} rows in {timing.Total.TotalMilliseconds:N0} ms ({timing.Chunks} chunks).");
                return scores;
            }
            catch (Exception e) when (requested == ScoringDevices.Auto && e is NotSupportedException or Engine.Scoring.CudaException)
            {
                choice.Note = $"auto: the GPU could not score this model ({e.Message}), so it scored on the CPU.";
                context.Progress.Log(choice.Note);
                return null;
            }
        }, choice);
    }

    /// <summary>XGBoost versions score on the portal's CUDA kernel, ONNX versions on ONNX Runtime's CUDA provider; ML.NET's on the CPU only.</summary>
    internal static bool GpuCapable(string engine) => engine is Engine.Models.ModelEngines.XGBoost or Engine.Models.ModelEngines.Onnx;

    /// <summary>
    /// An ONNX version on this node's GPU: a CUDA session on the model itself is the test of a usable GPU. cuda fails the job with
    /// ONNX Runtime's reason; auto scores on the CPU and says why. The provider that ran is in the summary and the audit event.
    /// </summary>
    private static float[]? OnnxOnGpu(JobContext context, string requested, DeviceChoice choice, Engine.Training.ModelManifest manifest, byte[] model,
        Engine.Training.EncodedTable table)
    {
        try
        {
            using var session = Engine.Models.OnnxScoringModel.Load(model, manifest, cuda: true);
            var scores = session.Predict(table);
            choice.Used = ScoringDevices.Cuda;
            choice.Where = "on the GPU (ONNX Runtime, CUDA execution provider)";
            context.Progress.Log($"ONNX Runtime's CUDA execution provider scored {table.Rows:N0} rows.");
            return scores;
        }
        catch (NotSupportedException e) when (requested == ScoringDevices.Auto)
        {
            choice.Note = $"auto: {e.Message} It scored on the CPU (ONNX Runtime, CPU execution provider).";
            context.Progress.Log(choice.Note);
            return null;
        }
        catch (NotSupportedException e)
        {
            throw new PortalValidationException($"This node ({context.Run.NodeId}) cannot score on the GPU: {e.Message}");
        }
    }
}
