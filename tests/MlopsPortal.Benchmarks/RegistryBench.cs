using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The registry grids at scale: seeds N models and M dataset versions (100 per dataset, with schema and
/// profile JSON of a realistic size), then times the queries the Radzen grids send for a page of 25 rows —
/// the filtered count and the sorted page (Radzen with IQueryable data runs Count(), then Skip/Take) —
/// as the median of R repeats.
/// </summary>
public static class RegistryBench
{
    private const int PageSize = 25;
    private static readonly string[] Teams = ["Credit", "Fraud", "Marketing", "Pricing", "Claims", "Churn", "Operations", "Risk"];
    private static readonly string[] Words = ["credit", "fraud", "churn", "income", "claims", "default", "pricing", "retention", "propensity", "recidivism"];

    public static async Task RunAsync(string provider, int models, int versions, int repeats)
    {
        var kind = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        await using var portal = await PortalServices.StartAsync(kind);
        Console.WriteLine($"Registry bench on {kind}: {models:N0} models, {versions:N0} dataset versions, median of {repeats} repeats, pages of {PageSize}.");
        var clock = Stopwatch.StartNew();
        await SeedAsync(portal, models, versions);
        Console.WriteLine($"Seeded in {clock.Elapsed.TotalSeconds:0.0} s.");

        var datasetsCount = versions / 100;
        var cases = new (string Name, Func<PortalDbContext, Task<int>> Run)[]
        {
            ("models: first page by slug", db => PageAsync(ModelService.Query(db).OrderBy(m => m.Slug), 0)),
            ("models: page 200 by slug", db => PageAsync(ModelService.Query(db).OrderBy(m => m.Slug), 199)),
            ("models: name contains \"credit\", newest first", db => PageAsync(ModelService.Query(db)
                .Where(m => m.DisplayName.ToLower().Contains("credit")).OrderByDescending(m => m.UpdatedAt), 0)),
            ("models: risk tier High, by team", db => PageAsync(ModelService.Query(db).Where(m => m.RiskTier == RiskTier.High).OrderBy(m => m.Team), 0)),
            ($"datasets ({datasetsCount:N0}): first page by name", db => PageAsync(DatasetService.QueryDatasets(db).OrderBy(d => d.Name), 0)),
            ("datasets: most rows first, page 10", db => PageAsync(DatasetService.QueryDatasets(db).OrderByDescending(d => d.Rows), 9)),
            ("datasets: name contains \"churn\"", db => PageAsync(DatasetService.QueryDatasets(db).Where(d => d.Name.ToLower().Contains("churn")).OrderBy(d => d.Name), 0)),
            ("versions of one dataset, newest first", async db =>
            {
                var id = await db.Datasets.Where(d => d.Name == "dataset-00042").Select(d => d.Id).SingleAsync();
                return await PageAsync(DatasetService.QueryVersions(db, id).OrderByDescending(v => v.Version), 0);
            }),
            ("all versions, newest first", db => PageAsync(DatasetService.QueryVersions(db).OrderByDescending(v => v.AddedAt), 0)),
            ("all versions, newest first, page 2,000", db => PageAsync(DatasetService.QueryVersions(db).OrderByDescending(v => v.AddedAt), 1999)),
            ("all versions: dataset contains \"fraud\", newest first", db => PageAsync(DatasetService.QueryVersions(db)
                .Where(v => v.Dataset.ToLower().Contains("fraud")).OrderByDescending(v => v.AddedAt), 0)),
        };
        Console.WriteLine();
        Console.WriteLine("| grid query (count + page of 25) | rows matched | median ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        foreach (var (name, run) in cases)
        {
            var times = new List<double>();
            var matched = 0;
            for (var i = 0; i <= repeats; i++)
            {
                await using var db = await factory.CreateDbContextAsync();
                var watch = Stopwatch.StartNew();
                matched = await run(db);
                watch.Stop();
                if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds); // the first run warms caches and compiles the query
            }
            times.Sort();
            Console.WriteLine($"| {name} | {matched:N0} | {times[times.Count / 2]:0.0} | {times[^1]:0.0} |");
        }
    }

    /// <summary>What the grid does: count the filtered rows, then fetch one sorted page.</summary>
    private static async Task<int> PageAsync<T>(IQueryable<T> query, int pageIndex)
    {
        var count = await query.CountAsync();
        var page = await query.Skip(pageIndex * PageSize).Take(PageSize).ToListAsync();
        if (page.Count == 0 && count > pageIndex * PageSize)
            throw new InvalidOperationException("An empty page where rows exist.");
        return count;
    }

    private static async Task SeedAsync(PortalServices portal, int models, int versions)
    {
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var random = new Random(7);
        var now = DateTime.UtcNow;
        var schema = "[" + string.Join(",", Enumerable.Range(0, 20).Select(i =>
            $"{{\"name\":\"column_{i}\",\"type\":\"float\",\"nullable\":false,\"categories\":null,\"min\":0,\"max\":{i * 10},\"minDatetime\":null,\"maxDatetime\":null}}")) + "]";
        var profile = "[" + string.Join(",", Enumerable.Range(0, 20).Select(i =>
            $"{{\"name\":\"column_{i}\",\"count\":1000,\"missing\":0,\"histogram\":[{string.Join(",", Enumerable.Range(0, 20).Select(b => $"{{\"low\":{b},\"high\":{b + 1},\"count\":50}}"))}]}}")) + "]";

        for (var start = 0; start < models; start += 5000)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(models, start + 5000); i++)
            {
                var word = Words[random.Next(Words.Length)];
                db.Models.Add(new Model
                {
                    Id = Guid.NewGuid(), Slug = $"{word}-model-{i:D5}", DisplayName = $"{char.ToUpperInvariant(word[0])}{word[1..]} model {i}",
                    Description = "Seeded for the registry benchmark.", Owners = ["bench@x.test"], Team = Teams[random.Next(Teams.Length)],
                    UseCase = $"Predicts {word} for customers", RiskTier = (RiskTier)random.Next(4), LabelColumn = "label", PositiveLabel = "1",
                    FeatureColumns = [.. Enumerable.Range(0, 20).Select(c => $"column_{c}")], AcceptanceCriteria = [new("auc", ">=", 0.7, "BusinessStakeholder")],
                    CreatedBy = "cli:bench", CreatedAt = now.AddMinutes(-i), UpdatedBy = "cli:bench", UpdatedAt = now.AddMinutes(-i),
                });
            }
            db.Audit("cli:bench", "bench.seeded", "model", $"{start}", new { models = Math.Min(5000, models - start) });
            await db.SaveChangesAsync();
        }

        var datasets = versions / 100;
        for (var d = 0; d < datasets; d += 50)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var k = d; k < Math.Min(datasets, d + 50); k++)
            {
                var id = Guid.NewGuid();
                // dataset-00042 is the one whose versions are paged on their own.
                var name = k == 42 ? "dataset-00042" : $"{Words[k % Words.Length]}-dataset-{k:D5}";
                db.Datasets.Add(new Dataset
                {
                    Id = id, Name = name, LatestVersion = 100, VersionCount = 100,
                    CreatedBy = "cli:bench", CreatedAt = now.AddDays(-k), UpdatedBy = "cli:bench", UpdatedAt = now.AddDays(-k),
                });
                for (var v = 1; v <= 100; v++)
                    db.DatasetVersions.Add(new DatasetVersion
                    {
                        Id = Guid.NewGuid(), DatasetId = id, Version = v, Sha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'),
                        SizeBytes = random.Next(1, 1 << 30), RowCount = random.Next(1, 5_000_000), ColumnCount = 20, Schema = schema, Profile = profile,
                        SourceFileName = $"extract-{v}.csv", AddedBy = "cli:bench", AddedAt = now.AddDays(-k).AddHours(-v),
                    });
            }
            db.Audit("cli:bench", "bench.seeded", "dataset", $"{d}", new { datasets = Math.Min(50, datasets - d) });
            await db.SaveChangesAsync();
        }
    }
}
