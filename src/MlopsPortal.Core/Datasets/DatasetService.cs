using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Core.Datasets;

/// <summary>
/// Datasets and their immutable versions. Adding one stores the bytes once (content-addressed),
/// profiles them, and writes the version with its audit event in one transaction; a file that is
/// not acceptable CSV leaves no row, no blob and no audit event.
/// </summary>
public sealed partial class DatasetService(
    IDbContextFactory<PortalDbContext> dbFactory, IArtifactStore store, IOptions<DatasetOptions> options)
{
    public static readonly string[] AddRoles = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator];
    /// <summary>Who sees the values of sensitive columns in previews; the others see them masked.</summary>
    public static readonly string[] SensitiveReaders = [Roles.Administrator, Roles.ComplianceOfficer, Roles.DataScientist, Roles.Auditor];
    public const int PreviewRows = 100;
    public const string Masked = "•••";

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
            throw new PortalValidationException($"{label} is larger than the limit of {ByteSize.Format(e.Limit)} (Datasets:MaxUploadBytes).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, ct);
        if (dataset is not null
            && await db.DatasetVersions.AsNoTracking().FirstOrDefaultAsync(v => v.DatasetId == dataset.Id && v.Sha256 == blob.Sha256, ct) is { } existing)
            return (existing, false);

        DatasetProfile profile;
        try
        {
            profile = Profile(blob.Sha256);
        }
        catch (CsvFormatException e)
        {
            await DeleteIfUnreferencedAsync(db, blob.Sha256, ct);
            throw new PortalValidationException($"{label}: {e.Message} Nothing was stored.");
        }
        var version = Stage(db, actor.AuditName, name, dataset, blob, profile, sourceFileName);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone added a version of this dataset at the same moment (a unique index refused the number).
            throw new PortalValidationException($"Another version of '{name}' was being added at the same time; try again.");
        }
        return (version, true);
    }

    /// <summary>Profiles stored bytes with the configured CSV and inference settings.</summary>
    internal DatasetProfile Profile(string sha256)
    {
        using var read = store.OpenRead(sha256);
        return DatasetProfiler.Profile(read, new ProfileOptions
        {
            Csv = new CsvReaderOptions { RaggedRowTolerance = options.Value.RaggedRowTolerance },
            Inference = new InferenceOptions { MissingTokens = options.Value.EffectiveMissingTokens },
            Quantiles = new QuantileOptions { ExactUpTo = options.Value.ExactQuantileRows },
        });
    }

    /// <summary>
    /// Adds the next version of <paramref name="name"/> (and the dataset, when <paramref name="dataset"/> is
    /// null) to the context with their audit events; the caller saves, so a job can commit it with its outcome.
    /// </summary>
    internal DatasetVersion Stage(PortalDbContext db, string actor, string name, Dataset? dataset, ArtifactRef blob, DatasetProfile profile, string? sourceFileName)
    {
        var now = DateTime.UtcNow;
        var warnings = profile.Warnings.ToList();
        if (dataset is null)
        {
            // Which columns are sensitive is the dataset's to say (it changes; a version's warnings do not), so it is not
            // written into the warnings: pages read Dataset.SensitiveColumns, which the preview masks.
            var sensitive = profile.Columns.Select(c => c.Name)
                .Where(c => options.Value.EffectiveSensitiveColumns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
            dataset = new Dataset
            {
                Id = Guid.NewGuid(), Name = name, SensitiveColumns = sensitive,
                CreatedBy = actor, CreatedAt = now, UpdatedBy = actor, UpdatedAt = now,
            };
            db.Datasets.Add(dataset);
            db.Audit(actor, "dataset.created", "dataset", dataset.Id.ToString(), new { name, sensitiveColumns = sensitive });
        }
        var number = dataset.LatestVersion + 1;
        dataset.LatestVersion = number;
        dataset.VersionCount += 1;
        dataset.UpdatedAt = now;
        dataset.UpdatedBy = actor;
        var version = new DatasetVersion
        {
            Id = Guid.NewGuid(), DatasetId = dataset.Id, Version = number, Sha256 = blob.Sha256, SizeBytes = blob.Length,
            RowCount = profile.Rows, ColumnCount = profile.Columns.Count,
            Schema = JsonSerializer.Serialize(profile.Columns.Select(SchemaOf), Json),
            Profile = JsonSerializer.Serialize(profile.Columns, Json),
            Warnings = JsonSerializer.Serialize(warnings, Json),
            SourceFileName = sourceFileName is null ? null : Path.GetFileName(sourceFileName),
            AddedBy = actor, AddedAt = now,
        };
        db.DatasetVersions.Add(version);
        db.Audit(actor, "dataset-version.added", "dataset-version", version.Id.ToString(), new
        {
            dataset = name, version = number, sha256 = blob.Sha256, rows = profile.Rows, columns = profile.Columns.Count,
            warnings = warnings.Count,
        });
        return version;
    }

    /// <summary>
    /// Adds a file that is already on the server. Only regular files inside Datasets:AllowedFolders are accepted. The
    /// path is judged before the file system is asked anything about it (normalized, then with symbolic links
    /// resolved), and every path outside the folders gets the same sentence, so that answers cannot map the server's
    /// files; the file actually opened is checked again.
    /// </summary>
    public async Task<(DatasetVersion Version, bool Created)> RegisterPathAsync(Actor actor, string path, string name, CancellationToken ct = default)
    {
        actor.Require(AddRoles);
        var configured = options.Value.AllowedFolders.Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
        if (configured.Count == 0)
            throw new PortalValidationException("Registering files by path is off: an Administrator lists the allowed server folders in Datasets:AllowedFolders.");
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            throw new PortalValidationException($"'{path}' is not an absolute path on the server.");
        if (path.Any(char.IsControl))
            throw new PortalValidationException("The path contains a control character (such as NUL): no file on the server is named like that.");
        InputLimits.Text(path, "The path", InputLimits.Prose);
        var outside = new PortalValidationException($"{path} is not inside an allowed folder ({string.Join(", ", configured)}).");

        // By name first: a path outside every folder (as written, or as the folders really are) is refused untouched.
        var full = Path.GetFullPath(path);
        var folders = configured.Select(Path.GetFullPath).Concat(configured.Select(ServerPaths.Resolve)).Distinct().ToList();
        if (!folders.Any(f => ServerPaths.IsInside(full, f)))
            throw outside;
        string real;
        try
        {
            real = ServerPaths.Resolve(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw outside;
        }
        var realFolders = configured.Select(ServerPaths.Resolve).ToList();
        if (!realFolders.Any(f => ServerPaths.IsInside(real, f)))
            throw outside;

        // Inside a folder an Administrator opened up: now the file's own story may be told.
        FileStream? stream;
        try
        {
            stream = ServerPaths.OpenRegularFile(real);
        }
        catch (FileNotFoundException)
        {
            throw new PortalValidationException($"{path} does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PortalValidationException($"{path} cannot be opened: {e.Message}");
        }
        if (stream is null)
            throw new PortalValidationException($"{path} is not a regular file (a folder, pipe, socket or device): register a CSV file.");
        await using (stream)
        {
            var opened = ServerPaths.OfOpenFile(stream);
            if (!realFolders.Any(f => ServerPaths.IsInside(opened, f)))
                throw outside;
            return await AddAsync(actor, stream, name, opened, ct);
        }
    }

    /// <summary>Changes a dataset's description and sensitive columns (its versions never change).</summary>
    public async Task<Dataset> UpdateAsync(Actor actor, string name, string? description, IReadOnlyList<string>? sensitiveColumns, CancellationToken ct = default)
    {
        actor.Require(AddRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Name == name, ct)
                      ?? throw new PortalNotFoundException($"No dataset named '{name}'.");
        var before = new { description = dataset.Description, sensitiveColumns = dataset.SensitiveColumns };
        InputLimits.Text(description?.Trim(), "The description", InputLimits.Prose);
        InputLimits.List(sensitiveColumns, "The sensitive columns", InputLimits.FeatureColumns, InputLimits.ColumnName);
        if (description is not null)
            dataset.Description = description.Trim();
        if (sensitiveColumns is not null)
        {
            var latest = await db.DatasetVersions.AsNoTracking().SingleAsync(v => v.DatasetId == dataset.Id && v.Version == dataset.LatestVersion, ct);
            var known = JsonSerializer.Deserialize<List<SchemaColumn>>(latest.Schema, Json)!.Select(c => c.Name).ToHashSet();
            var unknown = sensitiveColumns.Where(c => !known.Contains(c)).ToList();
            if (unknown.Count > 0)
                throw new PortalValidationException($"The latest version of '{name}' has no column {string.Join(", ", unknown.Select(c => $"'{c}'"))}.");
            dataset.SensitiveColumns = sensitiveColumns.Distinct().ToList();
        }
        dataset.UpdatedAt = DateTime.UtcNow;
        dataset.UpdatedBy = actor.AuditName;
        db.Audit(actor.AuditName, "dataset.updated", "dataset", dataset.Id.ToString(), new
        {
            name, before, after = new { description = dataset.Description, sensitiveColumns = dataset.SensitiveColumns },
        });
        await db.SaveChangesAsync(ct);
        return dataset;
    }

    /// <summary>Whether this actor sees sensitive columns' values (the others see them masked).</summary>
    public static bool SeesSensitiveValues(Actor actor) => actor.IsSystem || actor.IsInAnyRole(SensitiveReaders);

    /// <summary>
    /// The first rows of a version as text, with sensitive columns masked for roles that need not see them. The one source
    /// of truth for "which columns are sensitive" is the dataset's list (<see cref="Dataset.SensitiveColumns"/>): the
    /// preview names exactly the columns it masks, and pages show that list, never a version's old warnings.
    /// </summary>
    public async Task<DatasetPreview> PreviewAsync(Actor actor, Guid versionId, int rows = PreviewRows, CancellationToken ct = default)
    {
        var (dataset, version) = await GetVersionAsync(versionId, ct);
        var masks = !SeesSensitiveValues(actor);
        await using var stream = store.OpenRead(version.Sha256);
        using var reader = new CsvReader(stream, new CsvReaderOptions { RaggedRowTolerance = int.MaxValue });
        var sensitive = reader.Header.Where(dataset.SensitiveColumns.Contains).ToList();
        var masked = reader.Header.Select(h => masks && sensitive.Contains(h)).ToArray();
        var result = new List<string[]>();
        while (result.Count < rows && reader.Read())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = masked[i] ? Masked : reader.FieldString(i);
            result.Add(row);
        }
        return new DatasetPreview(reader.Header, masked, result) { Sensitive = sensitive, MaskedForActor = masks && sensitive.Count > 0 };
    }

    /// <summary>Datasets with their latest version, for grids that page, sort and filter in SQL.</summary>
    public static IQueryable<DatasetRow> QueryDatasets(PortalDbContext db) =>
        from d in db.Datasets.AsNoTracking()
        join v in db.DatasetVersions on new { d.Id, Version = d.LatestVersion } equals new { Id = v.DatasetId, v.Version }
        select new DatasetRow
        {
            Id = d.Id, Name = d.Name, Description = d.Description, Versions = d.VersionCount, LatestVersion = d.LatestVersion,
            LatestVersionId = v.Id, Rows = v.RowCount, Columns = v.ColumnCount, SizeBytes = v.SizeBytes, UpdatedAt = d.UpdatedAt, UpdatedBy = d.UpdatedBy,
        };

    /// <summary>Versions (of one dataset, or all), for grids that page, sort and filter in SQL.</summary>
    public static IQueryable<DatasetVersionRow> QueryVersions(PortalDbContext db, Guid? datasetId = null) =>
        from v in db.DatasetVersions.AsNoTracking()
        join d in db.Datasets on v.DatasetId equals d.Id
        where datasetId == null || v.DatasetId == datasetId
        select new DatasetVersionRow
        {
            Id = v.Id, Dataset = d.Name, Version = v.Version, Sha256 = v.Sha256, Rows = v.RowCount, Columns = v.ColumnCount,
            SizeBytes = v.SizeBytes, SourceFileName = v.SourceFileName, AddedBy = v.AddedBy, AddedAt = v.AddedAt,
        };

    public async Task<(IReadOnlyList<DatasetRow> Items, int Total)> PageAsync(string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = QueryDatasets(db);
        if (!string.IsNullOrWhiteSpace(search))
            query = query.Where(d => d.Name.Contains(search.ToLower()));
        return (await query.OrderBy(d => d.Name).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct), await query.CountAsync(ct));
    }

    public async Task<(Dataset Dataset, IReadOnlyList<DatasetVersionRow> Versions)> GetAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Name == name, ct)
                      ?? throw new PortalNotFoundException($"No dataset named '{name}'.");
        return (dataset, await QueryVersions(db, dataset.Id).OrderByDescending(v => v.Version).Take(1000).ToListAsync(ct));
    }

    private static SchemaColumn SchemaOf(ColumnProfile c) => new(
        c.Name, JsonNamingPolicy.CamelCase.ConvertName(c.Type.ToString()), c.Nullable,
        c.Categories.Count > 0 ? c.Categories.Select(k => k.Key).ToList() : null,
        c.Numeric?.Min, c.Numeric?.Max, c.MinDatetime, c.MaxDatetime);

    /// <summary>A rejected upload's blob goes, unless an accepted version has the same bytes.</summary>
    internal async Task DeleteIfUnreferencedAsync(PortalDbContext db, string sha256, CancellationToken ct)
    {
        if (!await db.DatasetVersions.AnyAsync(v => v.Sha256 == sha256, ct))
            File.Delete(store.PathOf(sha256));
    }

    /// <summary>
    /// A version's warnings from its profile. Versions added before the sensitive columns moved to the dataset alone also
    /// stored a "Marked as sensitive …" line, which the dataset's list has since overtaken: it is left out.
    /// </summary>
    public static IReadOnlyList<string> WarningsOf(DatasetVersion version) =>
        JsonSerializer.Deserialize<List<string>>(version.Warnings, Json)!.Where(w => !w.StartsWith(LegacySensitiveWarning, StringComparison.Ordinal)).ToList();

    private const string LegacySensitiveWarning = "Marked as sensitive (masked in previews";

    public async Task<(Dataset Dataset, DatasetVersion Version)> GetVersionAsync(Guid versionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new PortalNotFoundException($"No dataset version {versionId}.");
        return (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == version.DatasetId, ct), version);
    }
}

/// <summary>One column of a version's stored schema.</summary>
public sealed record SchemaColumn(string Name, string Type, bool Nullable, List<string>? Categories, double? Min, double? Max, DateTime? MinDatetime, DateTime? MaxDatetime);

public sealed record DatasetPreview(IReadOnlyList<string> Header, IReadOnlyList<bool> Masked, IReadOnlyList<string[]> Rows)
{
    /// <summary>The version's columns the dataset marks sensitive, in file order: what a page names as sensitive.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];

    /// <summary>True when <see cref="Sensitive"/> is masked in <see cref="Rows"/> for the one who asked.</summary>
    public bool MaskedForActor { get; init; }
}

/// <summary>A dataset grid row: the dataset and its latest version.</summary>
public sealed class DatasetRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public int Versions { get; init; }
    public int LatestVersion { get; init; }
    public Guid LatestVersionId { get; init; }
    public long Rows { get; init; }
    public int Columns { get; init; }
    public long SizeBytes { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";
}

/// <summary>A dataset version grid row.</summary>
public sealed class DatasetVersionRow
{
    public Guid Id { get; init; }
    public string Dataset { get; init; } = "";
    public int Version { get; init; }
    public string Sha256 { get; init; } = "";
    public long Rows { get; init; }
    public int Columns { get; init; }
    public long SizeBytes { get; init; }
    public string? SourceFileName { get; init; }
    public string AddedBy { get; init; } = "";
    public DateTime AddedAt { get; init; }
}
