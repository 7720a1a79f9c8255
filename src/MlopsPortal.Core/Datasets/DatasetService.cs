using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Datasets;

/// <summary>Bound from the "Datasets" section.</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";
    /// <summary>The largest upload accepted (default 2 GiB).</summary>
    public long MaxUploadBytes { get; set; } = 2L << 30;
    /// <summary>Rows whose field count differs from the header's that are accepted (padded or cut, with warnings).</summary>
    public int RaggedRowTolerance { get; set; }
    public List<string> MissingTokens { get; set; } = ["", "?", "NA", "N/A", "null", "NaN"];
    public int ExactQuantileRows { get; set; } = 250_000;
}

/// <summary>
/// Datasets and their immutable versions. Adding one stores the bytes once (content-addressed),
/// profiles them, and writes the version with its audit event in one transaction; a file that is
/// not acceptable CSV leaves no row, no blob and no audit event.
/// </summary>
public sealed partial class DatasetService(
    IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store, IOptions<DatasetOptions> options)
{
    public static readonly string[] AddRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    /// <summary>Adds a version, or returns the existing one when this dataset already has these bytes (Created = false).</summary>
    public async Task<(DatasetVersion Version, bool Created)> AddAsync(
        Actor actor, Stream content, string name, string? sourceFileName = null, CancellationToken ct = default)
    {
        actor.Require(AddRoles);
        name = (name ?? "").Trim();
        if (!NamePattern().IsMatch(name))
            throw new PortalValidationException($"'{name}' is not a dataset name: use 1–100 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.");
        var label = string.IsNullOrEmpty(sourceFileName) ? "The file" : Path.GetFileName(sourceFileName);

        ArtifactRef blob;
        try
        {
            blob = await store.PutAsync(content, options.Value.MaxUploadBytes, ct);
        }
        catch (ArtifactTooLargeException e)
        {
            throw new PortalValidationException($"{label} is larger than the limit of {e.Limit / (1024.0 * 1024 * 1024):0.##} GiB (Datasets:MaxUploadBytes).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, ct);
        if (dataset is not null
            && await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DatasetId == dataset.Id && v.Sha256 == blob.Sha256, ct) is { } existing)
            return (existing, false);

        DatasetProfile profile;
        try
        {
            await using var read = store.OpenRead(blob.Sha256);
            profile = DatasetProfiler.Profile(read, new ProfileOptions
            {
                Csv = new CsvReaderOptions { RaggedRowTolerance = options.Value.RaggedRowTolerance },
                Inference = new InferenceOptions { MissingTokens = options.Value.MissingTokens },
                Quantiles = new QuantileOptions { ExactUpTo = options.Value.ExactQuantileRows },
            });
        }
        catch (CsvFormatException e)
        {
            await DeleteIfUnreferencedAsync(db, blob.Sha256, ct);
            throw new PortalValidationException($"{label}: {e.Message} Nothing was stored.");
        }

        var now = DateTime.UtcNow;
        if (dataset is null)
        {
            dataset = new Dataset { Id = Guid.NewGuid(), Name = name, CreatedBy = actor.AuditName, CreatedAt = now };
            db.Datasets.Add(dataset);
            db.Audit(actor.AuditName, "dataset.created", "dataset", dataset.Id.ToString(), new { name });
        }
        var number = (await db.DatasetVersions.Where(v => v.DatasetId == dataset.Id).MaxAsync(v => (int?)v.Version, ct) ?? 0) + 1;
        var version = new DatasetVersion
        {
            Id = Guid.NewGuid(), DatasetId = dataset.Id, Version = number, Sha256 = blob.Sha256, SizeBytes = blob.Length,
            RowCount = profile.Rows, ColumnCount = profile.Columns.Count,
            Schema = JsonSerializer.Serialize(profile.Columns.Select(SchemaOf), Json),
            Profile = JsonSerializer.Serialize(profile.Columns, Json),
            Warnings = JsonSerializer.Serialize(profile.Warnings, Json),
            SourceFileName = sourceFileName is null ? null : Path.GetFileName(sourceFileName),
            AddedBy = actor.AuditName, AddedAt = now,
        };
        db.DatasetVersions.Add(version);
        db.Audit(actor.AuditName, "dataset-version.added", "dataset-version", version.Id.ToString(), new
        {
            dataset = name, version = number, sha256 = blob.Sha256, rows = profile.Rows, columns = profile.Columns.Count,
            warnings = profile.Warnings.Count,
        });
        await db.SaveChangesAsync(ct);
        return (version, true);
    }

    private static object SchemaOf(ColumnProfile c) => new
    {
        name = c.Name,
        type = JsonNamingPolicy.CamelCase.ConvertName(c.Type.ToString()),
        nullable = c.Nullable,
        categories = c.Categories.Count > 0 ? c.Categories.Select(k => k.Key).ToList() : null,
        min = c.Numeric?.Min,
        max = c.Numeric?.Max,
        minDatetime = c.MinDatetime,
        maxDatetime = c.MaxDatetime,
    };

    /// <summary>A rejected upload's blob goes, unless an accepted version has the same bytes.</summary>
    private async Task DeleteIfUnreferencedAsync(PortalDbContext db, string sha256, CancellationToken ct)
    {
        if (!await db.DatasetVersions.AnyAsync(v => v.Sha256 == sha256, ct))
            File.Delete(store.PathOf(sha256));
    }

    /// <summary>Every dataset with its latest version and version count (the registry issue adds paging).</summary>
    public async Task<IReadOnlyList<(Dataset Dataset, DatasetVersion Latest, int Versions)>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.DatasetVersions.GroupBy(v => v.DatasetId)
            .Select(g => new { DatasetId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.DatasetId, ct);
        var latest = await db.DatasetVersions.AsNoTracking()
            .Where(v => v.Version == db.DatasetVersions.Where(o => o.DatasetId == v.DatasetId).Max(o => o.Version))
            .ToDictionaryAsync(v => v.DatasetId, ct);
        var datasets = await db.Datasets.AsNoTracking().OrderBy(d => d.Name).ToListAsync(ct);
        // A dataset is always written together with its first version, so each has one.
        return datasets.Select(d => (d, latest[d.Id], counts[d.Id].Count)).ToList();
    }

    public async Task<(Dataset Dataset, DatasetVersion Version)> GetVersionAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No dataset version {versionId}.");
        return (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == version.DatasetId, ct), version);
    }
}
