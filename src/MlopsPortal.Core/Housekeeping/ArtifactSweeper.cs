using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Housekeeping;

/// <summary>What a sweep removed: leftover files (partial uploads, half-written files, scratch files) and blobs.</summary>
public sealed record SweepResult(IReadOnlyList<string> Files, IReadOnlyList<string> Blobs, long Bytes)
{
    public static readonly SweepResult Nothing = new([], [], 0);

    public string Describe() =>
        $"Swept {Files.Count} leftover file(s) and {Blobs.Count} unreferenced blob(s), {ByteSize.Format(Bytes)}.";
}

/// <summary>
/// Removes what a process killed mid-write leaves in the file-system artifact store: <c>.partial</c> files (an upload
/// copied to <c>sha256/incoming</c>, a job's file written by <see cref="Scheduling.AtomicFile"/>), scratch files under
/// <c>tmp/</c> (a scoring job's scores), and blobs that no row references (killed after the rename, before the row's
/// commit). Runs when a node starts and with the daily retention job; safe on several nodes at once.
/// </summary>
public sealed partial class ArtifactSweeper(
    IDbContextFactory<PortalDbContext> dbFactory, PortalPaths paths, IOptions<ArtifactOptions> options, ILogger<ArtifactSweeper> logger)
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex BlobName();

    /// <summary>Sweeps, logs what went, and records the deleted blobs in the audit trail as <paramref name="actor"/>.</summary>
    public async Task<SweepResult> SweepAsync(string actor, CancellationToken ct = default)
    {
        var result = await FindAndDeleteAsync(ct);
        if (result.Blobs.Count == 0) return result;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        RecordSweep(db, actor, result);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>Deletes without writing the audit event; the caller queues it with <see cref="Audit"/> in its own transaction.</summary>
    public async Task<SweepResult> FindAndDeleteAsync(CancellationToken ct = default)
    {
        var root = paths.ArtifactsDirectory;
        if (!Directory.Exists(root)) return SweepResult.Nothing;
        var now = DateTime.UtcNow;
        var files = new List<string>();
        var blobs = new List<string>();
        long bytes = 0;

        var abandoned = Directory.EnumerateFiles(root, "*" + Scheduling.AtomicFile.TemporarySuffix, SearchOption.AllDirectories);
        var scratch = Path.Combine(root, "tmp");
        if (Directory.Exists(scratch))
            abandoned = abandoned.Concat(Directory.EnumerateFiles(scratch, "*", SearchOption.AllDirectories));
        foreach (var file in abandoned.Distinct().ToList())
            if (TryDelete(file, now - options.Value.AbandonedFileAge, ref bytes))
                files.Add(Path.GetRelativePath(root, file));

        var store = Path.Combine(root, "sha256");
        var candidates = Directory.Exists(store)
            ? Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories)
                .Where(f => BlobName().IsMatch(Path.GetFileName(f)) && File.GetLastWriteTimeUtc(f) < now - options.Value.UnreferencedBlobAge)
                .ToList()
            : [];
        if (candidates.Count > 0)
        {
            var referenced = await ReferencedAsync(ct);
            foreach (var blob in candidates.Where(b => !referenced.Contains(Path.GetFileName(b))))
                if (TryDelete(blob, now - options.Value.UnreferencedBlobAge, ref bytes))
                    blobs.Add(Path.GetFileName(blob));
        }

        var result = new SweepResult(files, blobs, bytes);
        if (files.Count + blobs.Count > 0)
            logger.LogInformation("{Summary} Files: {Files}. Blobs: {Blobs}.", result.Describe(),
                files.Count == 0 ? "none" : string.Join(", ", files), blobs.Count == 0 ? "none" : string.Join(", ", blobs));
        return result;
    }

    /// <summary>Queues the "artifacts.swept" event when blobs were deleted (leftover files held nothing governed).</summary>
    public static void RecordSweep(PortalDbContext db, string actor, SweepResult result)
    {
        if (result.Blobs.Count == 0) return;
        db.Audit(actor, "artifacts.swept", "artifact-store", "sha256", new
        {
            blobs = result.Blobs, files = result.Files.Count, bytes = result.Bytes,
            reason = "no row referenced these blobs (a process stopped between storing a blob and committing its row)",
        });
    }

    /// <summary>
    /// Every hash a row points at: the columns that name blobs of this store. A new column that stores a blob hash
    /// belongs here, or the sweep would take its blobs for leftovers.
    /// </summary>
    private async Task<HashSet<string>> ReferencedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        void Add(IEnumerable<string?> values)
        {
            foreach (var v in values)
                if (!string.IsNullOrEmpty(v)) hashes.Add(v.Trim());
        }
        Add(await db.DatasetVersions.AsNoTracking().Select(v => v.Sha256).Distinct().ToListAsync(ct));
        Add(await db.ModelVersions.AsNoTracking().Select(v => v.PackageSha256).Distinct().ToListAsync(ct));
        Add(await db.ModelVersions.AsNoTracking().Select(v => v.TrainingDataSha256).Distinct().ToListAsync(ct));
        Add(await db.TrainingRuns.AsNoTracking().Select(r => r.DataSha256).Distinct().ToListAsync(ct));
        Add(await db.ComplianceReports.AsNoTracking().Select(r => r.Sha256).Distinct().ToListAsync(ct));
        Add(await db.ShadowScorings.AsNoTracking().Select(s => s.ShadowSha256).Distinct().ToListAsync(ct));
        Add(await db.Reproductions.AsNoTracking().Select(r => r.RecordedSha256).Distinct().ToListAsync(ct));
        Add(await db.Reproductions.AsNoTracking().Select(r => r.NewSha256).Distinct().ToListAsync(ct));
        return hashes;
    }

    /// <summary>Deletes the file if it has not been written since <paramref name="before"/> (read again right before).</summary>
    private bool TryDelete(string file, DateTime before, ref long bytes)
    {
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists || info.LastWriteTimeUtc >= before) return false;
            var length = info.Length;
            info.Delete();
            bytes += length;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not sweep {File}: {Message}", file, e.Message);
            return false;
        }
    }
}
