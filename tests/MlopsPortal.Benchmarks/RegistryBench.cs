using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Testing;
using MlopsPortal.Web.Components.Shared;
using MudBlazor;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// The registry grids at scale: seeds N models and M dataset versions (100 per dataset, with schema and
/// profile JSON of a realistic size), then times what the grids' ServerData does for a page of 25 rows —
/// <see cref="GridQuery.PageAsync{T,TKey}(Microsoft.EntityFrameworkCore.IDbContextFactory{PortalDbContext},Func{PortalDbContext,IQueryable{T}},int,int,IEnumerable{SortDefinition{T}},IEnumerable{GridQuery.ColumnFilter},System.Linq.Expressions.Expression{Func{T,TKey}},bool,CancellationToken)"/>
/// with MudBlazor's sort definitions and "contains" filters: a new DbContext, the filtered COUNT and the sorted page — as the median of R repeats.
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

        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        Guid oneDataset;
        await using (var db = await factory.CreateDbContextAsync())
            oneDataset = await db.Datasets.Where(d => d.Name == "dataset-00042").Select(d => d.Id).SingleAsync();
        var datasetsCount = versions / 100;
        var cases = new (string Name, Func<Task<int>> Run)[]
        {
            ("models: first page by slug", () => Models(Page(0, "Slug asc"))),
            ("models: page 200 by slug", () => Models(Page(199, "Slug asc"))),
            ("models: name contains \"credit\", newest first", () => Models(Page(0, "UpdatedAt desc", ("DisplayName", "credit")))),
            ("models: team contains \"risk\", by risk tier", () => Models(Page(0, "RiskTier asc", ("Team", "risk")))),
            ($"datasets ({datasetsCount:N0}): first page by name", () => Datasets(Page(0, "Name asc"))),
            ("datasets: most rows first, page 10", () => Datasets(Page(9, "Rows desc"))),
            ("datasets: name contains \"churn\"", () => Datasets(Page(0, "Name asc", ("Name", "churn")))),
            ("versions of one dataset, newest first", () => Versions(Page(0, "Version desc"), oneDataset)),
            ("all versions, newest first", () => Versions(Page(0, "AddedAt desc"), null)),
            ("all versions, newest first, page 2,000", () => Versions(Page(1999, "AddedAt desc"), null)),
            ("all versions: dataset contains \"fraud\", newest first", () => Versions(Page(0, "AddedAt desc", ("Dataset", "fraud")), null)),
        };

        async Task<int> Models(GridPage page) => (await Load(factory, ModelService.Query, page, m => m.Slug)).Items.Count();
        async Task<int> Datasets(GridPage page) => (await Load(factory, DatasetService.QueryDatasets, page, d => d.Name)).Items.Count();
        async Task<int> Versions(GridPage page, Guid? dataset) =>
            (await Load(factory, db => DatasetService.QueryVersions(db, dataset), page, v => v.AddedAt)).Items.Count();

        Console.WriteLine();
        Console.WriteLine("| grid query (count + page of 25) | rows matched | median ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, run) in cases)
        {
            var times = new List<double>();
            var matched = 0;
            for (var i = 0; i <= repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                matched = await run();
                watch.Stop();
                if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds); // the first run warms caches and compiles the query
            }
            times.Sort();
            Console.WriteLine($"| {name} | {matched:N0} | {times[times.Count / 2]:0.0} | {times[^1]:0.0} |");
        }
    }

    /// <summary>What a grid asks for: a page of 25, a sort ("Slug asc"), and "contains" filters typed in column filters.</summary>
    private sealed record GridPage(int Index, string OrderBy, (string Property, string Value)[] Filters);

    private static GridPage Page(int pageIndex, string orderBy, params (string Property, string Value)[] filters) => new(pageIndex, orderBy, filters);

    private static Task<GridData<T>> Load<T, TKey>(IDbContextFactory<PortalDbContext> factory, Func<PortalDbContext, IQueryable<T>> source, GridPage page,
        System.Linq.Expressions.Expression<Func<T, TKey>> defaultOrder)
    {
        var (property, direction) = (page.OrderBy.Split(' ')[0], page.OrderBy.Split(' ')[1]);
        return GridQuery.PageAsync(factory, source, page.Index, PageSize, [new SortDefinition<T>(property, direction == "desc", 0, _ => null!, null)],
            page.Filters.Select(f => new GridQuery.ColumnFilter(f.Property, FilterOperator.String.Contains, f.Value)), defaultOrder);
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
