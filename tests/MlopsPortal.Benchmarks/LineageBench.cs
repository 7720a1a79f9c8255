using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.Benchmarks;

/// <summary>
/// Lineage query + layout at 100, 1,000 and 5,000 nodes: for each size, one training dataset version feeds V training
/// runs, each produces a version, and each version scores 4 batches (job + output), recorded as the jobs record them.
/// The timed work is what the page does: LineageService.GetAsync (down from the dataset version, depth 4, every node
/// shown) and LineageDrawing.Of; the median of R repeats after a warm-up.
/// </summary>
public static class LineageBench
{
    private const int JobsPerVersion = 4;

    public static async Task RunAsync(string provider, IReadOnlyList<int> sizes, int repeats)
    {
        var kind = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        await using var portal = await PortalServices.StartAsync(kind);
        var lineage = portal.Services.GetRequiredService<LineageService>();
        Console.WriteLine($"Lineage bench on {kind}: median of {repeats} repeats.");
        Console.WriteLine();
        Console.WriteLine("| nodes | edges | query ms | layout ms | total ms | crossings | collapsed view: nodes, total ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var focus = await SeedAsync(portal, size, Math.Max(1, (size - 1) / (2 + 2 * JobsPerVersion)));
            var query = new LineageQuery(EntityKinds.DatasetVersion, focus, LineageDirection.Down, 4) { Collapse = false };
            var (queryMs, layoutMs, graph, drawing) = (new List<double>(), new List<double>(), default(LineageGraph)!, default(LineageDrawing)!);
            for (var i = 0; i <= repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                graph = await lineage.GetAsync(query);
                var queried = watch.Elapsed.TotalMilliseconds;
                drawing = LineageDrawing.Of(graph);
                if (i == 0) continue; // warm-up: compiles the queries and the code
                queryMs.Add(queried);
                layoutMs.Add(watch.Elapsed.TotalMilliseconds - queried);
            }
            var collapsedMs = new List<double>();
            LineageGraph collapsed = default!;
            for (var i = 0; i <= repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                collapsed = await lineage.GetAsync(query with { Collapse = true });
                LineageDrawing.Of(collapsed);
                if (i > 0) collapsedMs.Add(watch.Elapsed.TotalMilliseconds);
            }
            var total = queryMs.Zip(layoutMs, (a, b) => a + b).ToList();
            Console.WriteLine($"| {graph.Nodes.Count:N0} | {graph.Edges.Count:N0} | {Median(queryMs):0.0} | {Median(layoutMs):0.0} | {Median(total):0.0} | {drawing.Crossings:N0} | "
                              + $"{collapsed.Nodes.Count:N0}, {Median(collapsedMs):0.0} |");
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Seeds one graph and returns its focus (the training dataset version).</summary>
    private static async Task<string> SeedAsync(PortalServices portal, int size, int versions)
    {
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var model = new Model
        {
            Id = Guid.NewGuid(), Slug = $"lineage-bench-{size}", DisplayName = $"Lineage bench {size}", Owners = ["bench@x.test"], LabelColumn = "label",
            CreatedBy = "cli:bench", CreatedAt = now, UpdatedBy = "cli:bench", UpdatedAt = now,
        };
        db.Models.Add(model);
        DatasetVersion Version(Dataset dataset, int number) => new()
        {
            Id = Guid.NewGuid(), DatasetId = dataset.Id, Version = number, Sha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'),
            RowCount = 1000, ColumnCount = 5, AddedBy = "cli:bench", AddedAt = now,
        };
        Dataset Set(string name, int count) => new()
        {
            Id = Guid.NewGuid(), Name = name, LatestVersion = count, VersionCount = count, CreatedBy = "cli:bench", CreatedAt = now, UpdatedBy = "cli:bench", UpdatedAt = now,
        };
        var training = Set($"lineage-bench-{size}-train", 1);
        var inputs = Set($"lineage-bench-{size}-batches", versions * JobsPerVersion);
        var outputs = Set($"lineage-bench-{size}-scores", versions * JobsPerVersion);
        db.Datasets.AddRange(training, inputs, outputs);
        var focus = Version(training, 1);
        db.DatasetVersions.Add(focus);
        var numbered = 0;
        for (var v = 1; v <= versions; v++)
        {
            var run = new JobRun { Id = Guid.NewGuid(), Kind = TrainModelJob.Kind, Status = JobRunStatus.Succeeded, JobKey = "bench", TriggeredBy = "cli:bench", QueuedAt = now };
            db.JobRuns.Add(run);
            db.TrainingRuns.Add(new TrainingRun { Id = run.Id, ModelId = model.Id, DatasetVersionId = focus.Id, DataSha256 = focus.Sha256, Seed = v, RequestedBy = "cli:bench", StartedAt = now });
            var version = new ModelVersion
            {
                Id = Guid.NewGuid(), ModelId = model.Id, Number = v, PackageSha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'),
                Task = "binary:logistic", TrainingRunId = run.Id, TrainingDatasetVersionId = focus.Id, TrainedBy = "cli:bench", CreatedAt = now,
            };
            db.ModelVersions.Add(version);
            db.AddLineage(EntityKinds.DatasetVersion, focus.Id.ToString(), EntityKinds.TrainingRun, run.Id.ToString(), "trained-on");
            db.AddLineage(EntityKinds.TrainingRun, run.Id.ToString(), EntityKinds.ModelVersion, version.Id.ToString(), "produced");
            for (var j = 0; j < JobsPerVersion; j++)
            {
                numbered++;
                var input = Version(inputs, numbered);
                var output = Version(outputs, numbered);
                var job = new JobRun { Id = Guid.NewGuid(), Kind = ScoreBatchJob.Kind, Status = JobRunStatus.Succeeded, JobKey = "bench", TriggeredBy = "cli:bench", QueuedAt = now };
                db.DatasetVersions.AddRange(input, output);
                db.JobRuns.Add(job);
                db.AddLineage(EntityKinds.DatasetVersion, input.Id.ToString(), EntityKinds.ScoringJob, job.Id.ToString(), "input");
                db.AddLineage(EntityKinds.ModelVersion, version.Id.ToString(), EntityKinds.ScoringJob, job.Id.ToString(), "scored-with");
                db.AddLineage(EntityKinds.ScoringJob, job.Id.ToString(), EntityKinds.DatasetVersion, output.Id.ToString(), "produced");
            }
        }
        db.Audit("cli:bench", "bench.seeded", EntityKinds.Model, model.Id.ToString(), new { size, versions });
        await db.SaveChangesAsync();
        return focus.Id.ToString();
    }
}
