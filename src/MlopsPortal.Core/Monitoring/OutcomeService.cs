using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Monitoring;

/// <summary>
/// Outcomes: the true labels of rows scored earlier, matched by the model's key columns. Each upload is a version of the
/// dataset "&lt;model&gt;-outcomes" with lineage to the scoring jobs it labels; unknown and duplicate keys are counted and
/// sampled in the upload's record, never dropped in silence. A file that cannot be read leaves nothing behind.
/// </summary>
public sealed class OutcomeService(IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store, DatasetService datasets,
    IOptions<DatasetOptions> options, JobService jobs)
{
    public static readonly string[] AddRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];
    public const int SampleSize = 20;

    public async Task<OutcomeUpload> AddAsync(Actor actor, string slug, Stream content, string? fileName, CancellationToken ct = default)
    {
        actor.Require(AddRoles);
        Model model;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            model = await read.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == (slug ?? "").Trim(), ct)
                    ?? throw new PortalNotFoundException($"No model '{slug}'.");
        if (model.KeyColumns.Count == 0)
            throw new PortalValidationException($"'{model.Slug}' has no key columns, so outcomes cannot be matched to scored rows: set them on the model's page.");
        var label = string.IsNullOrEmpty(fileName) ? "The file" : Path.GetFileName(fileName);
        ArtifactRef blob;
        try
        {
            blob = await store.PutAsync(content, options.Value.MaxUploadBytes, ct);
        }
        catch (ArtifactTooLargeException e)
        {
            throw new PortalValidationException($"{label} is larger than the limit of {ByteSize.Format(e.Limit)} (Datasets:MaxUploadBytes).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var format = Format(model);
        DatasetProfile profile;
        OutcomeUpload upload;
        try
        {
            profile = datasets.Profile(blob.Sha256);
            upload = await MatchAsync(db, model, format, blob.Sha256, ct);
        }
        catch (Exception e) when (e is CsvFormatException or FormatException)
        {
            await datasets.DeleteIfUnreferencedAsync(db, blob.Sha256, ct);
            throw new PortalValidationException($"{label}: {e.Message} Nothing was stored.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ModelRowLock.TakeAsync(db, model.Id, ct);
        var name = $"{model.Slug}-outcomes";
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, ct);
        if (dataset is not null && await db.DatasetVersions.AnyAsync(v => v.DatasetId == dataset.Id && v.Sha256 == blob.Sha256, ct))
            throw new PortalValidationException($"{label} was uploaded before (same bytes): its outcomes are already counted.");
        var version = datasets.Stage(db, actor.AuditName, name, dataset, blob, profile, fileName);
        upload.Id = Guid.NewGuid();
        upload.ModelId = model.Id;
        upload.DatasetVersionId = version.Id;
        upload.UploadedBy = actor.AuditName;
        upload.UploadedAt = AuditChain.Now();
        db.OutcomeUploads.Add(upload);
        foreach (var job in upload.LabelledJobs)
            db.AddLineage(EntityKinds.DatasetVersion, version.Id.ToString(), EntityKinds.ScoringJob, job.ToString(), "labels");
        db.Audit(actor.AuditName, "outcomes.uploaded", EntityKinds.DatasetVersion, version.Id.ToString(), new
        {
            model = model.Slug, upload = upload.Id.ToString(), rows = upload.Rows, matched = upload.Matched, unknown = upload.Unknown,
            duplicates = upload.Duplicates, labelledJobs = upload.LabelledJobs.Select(j => j.ToString()),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        // Measure now rather than at the next scheduled run: a breach should roll back within seconds of the labels arriving.
        if (upload.Matched > 0 && await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct))
            await jobs.EnqueueAsync(actor, new JobRequest(MeasureLivePerformanceJob.Kind,
                new LivePerformancePayload(model.Slug), $"Live performance of {model.Slug} after {upload.Matched:N0} new outcomes"), ct);
        return upload;
    }

    public static OutcomeFormat Format(Model model) =>
        new(model.KeyColumns, model.LabelColumn, model.Task == ModelTask.BinaryClassification, model.PositiveLabel);

    /// <summary>Counts the file's keys against the model's scored keys and the outcomes already in.</summary>
    private async Task<OutcomeUpload> MatchAsync(PortalDbContext db, Model model, OutcomeFormat format, string sha256, CancellationToken ct)
    {
        var scored = new Dictionary<ulong, Guid>();
        foreach (var (job, output) in await ScoringOutputsAsync(db, model.Id, null, ct))
        {
            await using var stream = store.OpenRead(output.Sha256);
            using var reader = new CsvReader(stream);
            var keys = CsvColumns.Indexes(reader, format.KeyColumns, "scoring output");
            while (reader.Read())
                scored.TryAdd(LivePerformance.KeyHash(reader, keys), job.Id);
        }
        var earlier = await db.OutcomeUploads.Where(o => o.ModelId == model.Id)
            .Join(db.DatasetVersions, o => o.DatasetVersionId, v => v.Id, (o, v) => v.Sha256).ToListAsync(ct);
        var labelled = LivePerformance.LoadOutcomes(earlier.Select(s => (Func<Stream>)(() => store.OpenRead(s))), format);

        var upload = new OutcomeUpload();
        var inFile = new HashSet<ulong>();
        var jobs = new HashSet<Guid>();
        await using var file = store.OpenRead(sha256);
        foreach (var (key, _, row) in LivePerformance.ReadOutcomes(file, format))
        {
            upload.Rows++;
            var first = inFile.Add(key);
            if (!first || labelled.ContainsKey(key))
            {
                upload.Duplicates++;
                if (upload.DuplicateSample.Count < SampleSize) upload.DuplicateSample.Add(KeyText(row, format));
            }
            else if (scored.TryGetValue(key, out var job))
            {
                upload.Matched++;
                jobs.Add(job);
            }
            else
            {
                upload.Unknown++;
                if (upload.UnknownSample.Count < SampleSize) upload.UnknownSample.Add(KeyText(row, format));
            }
        }
        if (upload.Rows == 0)
            throw new FormatException("The file has a header but no rows.");
        upload.LabelledJobs = [.. jobs];
        return upload;
    }

    private static string KeyText(CsvReader row, OutcomeFormat format) =>
        LivePerformance.KeyText(row, CsvColumns.Indexes(row, format.KeyColumns, "outcome file"));

    /// <summary>
    /// The succeeded scoring jobs of a model (of one version when given), oldest first, with their output dataset version.
    /// Shadow scores are never among them: they are blobs of the ShadowScorings table, not job outputs.
    /// </summary>
    internal static async Task<List<(JobRun Job, DatasetVersion Output)>> ScoringOutputsAsync(PortalDbContext db, Guid modelId, Guid? versionId, CancellationToken ct)
    {
        var versionIds = await db.ModelVersions.Where(v => v.ModelId == modelId && (versionId == null || v.Id == versionId)).Select(v => v.Id).ToListAsync(ct);
        var runs = await db.JobRuns.AsNoTracking()
            .Where(r => r.Kind == ScoreBatchJob.Kind && r.Status == JobRunStatus.Succeeded && r.OutputEntityId != null)
            .OrderBy(r => r.FinishedAt).ToListAsync(ct);
        var mine = runs.Where(r => versionIds.Contains(JobPayload.Read<ScoringPayload>(r.Payload, r.PayloadVersion).ModelVersionId)).ToList();
        var outputIds = mine.Select(r => Guid.Parse(r.OutputEntityId!)).ToList();
        var outputs = await db.DatasetVersions.AsNoTracking().Where(v => outputIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        return mine.Where(r => outputs.ContainsKey(Guid.Parse(r.OutputEntityId!))).Select(r => (r, outputs[Guid.Parse(r.OutputEntityId!)])).ToList();
    }

    public async Task<IReadOnlyList<OutcomeUpload>> ListAsync(Guid modelId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OutcomeUploads.AsNoTracking().Where(o => o.ModelId == modelId).OrderByDescending(o => o.UploadedAt).Take(200).ToListAsync(ct);
    }
}
