using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Monitoring;

/// <summary>A shadow comparison with the metrics of both versions on the rows whose outcomes are known.</summary>
public sealed record ShadowView(ShadowScoring Shadow, int ChampionNumber, int ChallengerNumber, long Labelled,
    Dictionary<string, double?> ChampionMetrics, Dictionary<string, double?> ChallengerMetrics);

/// <summary>What the live page, the comparison page and the version page read; and "Reproduce training".</summary>
public sealed class MonitoringService(IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store, JobService jobs)
{
    public static readonly string[] ReproduceRoles = TrainingService.RunRoles;

    public async Task<JobRun> StartReproduceAsync(Actor actor, Guid versionId, CancellationToken ct = default)
    {
        actor.Require(ReproduceRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No model version {versionId}.");
        var slug = await db.Models.Where(m => m.Id == version.ModelId).Select(m => m.Slug).SingleAsync(ct);
        if (version.TrainingRunId is null)
            throw new PortalValidationException($"Version {version.Number} of '{slug}' was trained outside the portal: there is no recorded run to reproduce.");
        return await jobs.EnqueueAsync(actor, new JobRequest(ReproduceTrainingJob.Kind, new ReproducePayload(versionId),
            $"Reproduce the training of {slug} v{version.Number}"), ct);
    }

    public async Task<JobRun> StartLivePerformanceAsync(Actor actor, string slug, CancellationToken ct = default)
    {
        actor.Require(TrainingService.RunRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Slug == slug, ct) ?? throw new PortalNotFoundException($"No model '{slug}'.");
        if (!await db.ModelVersions.AnyAsync(v => v.ModelId == model.Id && v.Stage == VersionStage.Production, ct))
            throw new PortalValidationException($"'{slug}' has no Production version: live performance measures the Production version.");
        return await jobs.EnqueueAsync(actor, new JobRequest(MeasureLivePerformanceJob.Kind, new LivePerformancePayload(slug), $"Live performance of {slug}"), ct);
    }

    public async Task<IReadOnlyList<Reproduction>> ReproductionsAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Reproductions.AsNoTracking().Where(r => r.ModelVersionId == versionId).OrderByDescending(r => r.CreatedAt).Take(20).ToListAsync(ct);
    }

    /// <summary>The model's live-performance points, newest first.</summary>
    public async Task<IReadOnlyList<LivePerformanceSnapshot>> SnapshotsAsync(Guid modelId, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LivePerformanceSnapshots.AsNoTracking().Where(s => s.ModelId == modelId).OrderByDescending(s => s.CreatedAt).Take(take).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<AutomaticRollback>> RollbacksAsync(Guid? modelId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AutomaticRollbacks.AsNoTracking();
        if (modelId is { } m) query = query.Where(r => r.ModelId == m);
        return await query.OrderByDescending(r => r.CompletedAt).Take(200).ToListAsync(ct);
    }

    /// <summary>The shadow comparisons of a model (newest first), each with both versions' metrics on its labelled rows.</summary>
    public async Task<IReadOnlyList<ShadowView>> ShadowAsync(Model model, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shadows = await db.ShadowScorings.AsNoTracking().Where(s => s.ModelId == model.Id).OrderByDescending(s => s.CreatedAt).Take(50).ToListAsync(ct);
        if (shadows.Count == 0) return [];
        var numbers = await db.ModelVersions.Where(v => v.ModelId == model.Id).ToDictionaryAsync(v => v.Id, v => v.Number, ct);
        var uploads = await db.OutcomeUploads.AsNoTracking().Where(o => o.ModelId == model.Id).OrderBy(o => o.UploadedAt)
            .Join(db.DatasetVersions, o => o.DatasetVersionId, v => v.Id, (o, v) => v.Sha256).ToListAsync(ct);
        var format = OutcomeService.Format(model);
        var outcomes = LivePerformance.LoadOutcomes(uploads.Select(s => (Func<Stream>)(() => store.OpenRead(s))), format);
        var outputIds = shadows.Select(s => s.ChampionOutputId).OfType<Guid>().ToList();
        var outputs = await db.DatasetVersions.AsNoTracking().Where(v => outputIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Sha256, ct);
        var views = new List<ShadowView>();
        foreach (var s in shadows)
        {
            var labels = new List<float>();
            var champion = new List<float>();
            var challenger = new List<float>();
            if (outcomes.Count > 0 && s.ChampionOutputId is { } o && outputs.TryGetValue(o, out var sha))
            {
                await using var a = store.OpenRead(sha);
                using var ra = new CsvReader(a);
                await using var b = store.OpenRead(s.ShadowSha256);
                using var rb = new CsvReader(b);
                var keys = CsvColumns.Indexes(ra, format.KeyColumns, "scoring output");
                var sa = CsvColumns.Indexes(ra, ["score"], "scoring output")[0];
                var sb = CsvColumns.Indexes(rb, ["score"], "shadow output")[0];
                while (ra.Read() && rb.Read())
                    if (outcomes.TryGetValue(LivePerformance.KeyHash(ra, keys), out var label))
                    {
                        labels.Add(label);
                        champion.Add(float.Parse(ra.Field(sa), System.Globalization.CultureInfo.InvariantCulture));
                        challenger.Add(float.Parse(rb.Field(sb), System.Globalization.CultureInfo.InvariantCulture));
                    }
            }
            var classifier = format.Classifier;
            views.Add(new ShadowView(s, numbers.GetValueOrDefault(s.ChampionVersionId), numbers.GetValueOrDefault(s.ChallengerVersionId), labels.Count,
                labels.Count == 0 ? [] : LivePerformance.MetricsOf([.. labels], [.. champion], classifier, model.DecisionThreshold),
                labels.Count == 0 ? [] : LivePerformance.MetricsOf([.. labels], [.. challenger], classifier, model.DecisionThreshold)));
        }
        return views;
    }

    /// <summary>Mean time from the breaching data's arrival to the completed rollback, over the last 30 days (null when none).</summary>
    public async Task<TimeSpan?> MeanTimeToRollBackAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = DateTime.UtcNow.AddDays(-30);
        var list = await db.AutomaticRollbacks.AsNoTracking().Where(r => r.CompletedAt >= since && r.ToVersionId != null)
            .Select(r => new { r.BreachAt, r.CompletedAt }).ToListAsync(ct);
        return list.Count == 0 ? null : TimeSpan.FromSeconds(list.Average(r => (r.CompletedAt - r.BreachAt).TotalSeconds));
    }
}
