using System.Text;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Housekeeping;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Housekeeping;

/// <summary>What a killed upload, a kill after the rename and a killed scoring job leave behind, and what the sweep removes.</summary>
public sealed class ArtifactSweeperTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private static readonly Actor Engineer = new("u1", "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false);

    public async Task InitializeAsync() => _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private string Artifacts => Path.Combine(_portal.DataDirectory, "artifacts");

    private static string Write(string path, string text, TimeSpan age)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private async Task<string> PutAsync(string text, TimeSpan age)
    {
        await using var scope = _portal.Scope();
        var blob = await _portal.Get<IArtifactStore>(scope).PutAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var path = _portal.Get<IArtifactStore>(scope).PathOf(blob.Sha256);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public async Task ShouldRemoveLeftoversButKeepReferencedAndRecentFiles_WhenTheSweepRuns()
    {
        // A dataset version references its blob, however old.
        await using (var scope = _portal.Scope())
            await _portal.Get<DatasetService>(scope).AddAsync(Engineer, new MemoryStream("a,b\n1,2\n"u8.ToArray()), "kept");
        string referenced;
        await using (var scope = _portal.Scope())
        {
            var version = await _portal.Get<PortalDbContext>(scope).DatasetVersions.SingleAsync();
            referenced = _portal.Get<IArtifactStore>(scope).PathOf(version.Sha256);
            File.SetLastWriteTimeUtc(referenced, DateTime.UtcNow.AddDays(-30));
        }
        var orphan = await PutAsync("x,y\n3,4\n", TimeSpan.FromDays(2));
        var recentOrphan = await PutAsync("being,added\n5,6\n", TimeSpan.FromMinutes(5));
        var partial = Write(Path.Combine(Artifacts, "sha256", "incoming", "dead.partial"), "half an upload", TimeSpan.FromHours(1));
        var livePartial = Write(Path.Combine(Artifacts, "sha256", "incoming", "live.partial"), "an upload in flight", TimeSpan.Zero);
        var atomicTemp = Write(Path.Combine(Artifacts, "diagnostics", ".run.txt.0123.partial"), "half a file", TimeSpan.FromHours(1));
        var scratch = Write(Path.Combine(Artifacts, "tmp", "scores-dead.csv"), "key,score\n", TimeSpan.FromHours(1));
        var liveScratch = Write(Path.Combine(Artifacts, "tmp", "scores-live.csv"), "key,score\n", TimeSpan.Zero);

        SweepResult result;
        await using (var scope = _portal.Scope())
            result = await _portal.Get<ArtifactSweeper>(scope).SweepAsync("cli:test");

        File.Exists(partial).ShouldBeFalse();
        File.Exists(atomicTemp).ShouldBeFalse();
        File.Exists(scratch).ShouldBeFalse();
        File.Exists(orphan).ShouldBeFalse();
        File.Exists(referenced).ShouldBeTrue();
        File.Exists(recentOrphan).ShouldBeTrue();
        File.Exists(livePartial).ShouldBeTrue();
        File.Exists(liveScratch).ShouldBeTrue();
        result.Files.Count.ShouldBe(3);
        result.Blobs.ShouldBe([Path.GetFileName(orphan)]);

        await using var check = _portal.Scope();
        var sweptEvent = await _portal.Get<PortalDbContext>(check).AuditEvents.SingleAsync(e => e.Action == "artifacts.swept");
        sweptEvent.Actor.ShouldBe("cli:test");
        sweptEvent.Payload.ShouldContain(Path.GetFileName(orphan));
    }

    [Fact]
    public async Task ShouldKeepBlobsThatAnyTableReferences_WhenTheyAreOld()
    {
        var referenced = new List<string>();
        foreach (var text in new[] { "package", "report", "shadow", "recorded", "training-data" })
            referenced.Add(await PutAsync(text, TimeSpan.FromDays(3)));
        var hashes = referenced.Select(Path.GetFileName).ToList();
        await using (var scope = _portal.Scope())
        {
            var db = _portal.Get<PortalDbContext>(scope);
            // Only the hash columns matter to the sweep: the rows they sit in need no parents here.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
            var now = DateTime.UtcNow;
            db.ModelVersions.Add(new ModelVersion { Id = Guid.NewGuid(), ModelId = Guid.NewGuid(), Number = 1, PackageSha256 = hashes[0]!, TrainingDataSha256 = hashes[4], TrainedBy = "x", CreatedAt = now });
            db.ComplianceReports.Add(new ComplianceReport { Id = Guid.NewGuid(), Title = "t", Sha256 = hashes[1]!, GeneratedBy = "x", GeneratedAt = now });
            db.ShadowScorings.Add(new ShadowScoring { Id = Guid.NewGuid(), ModelId = Guid.NewGuid(), ChampionVersionId = Guid.NewGuid(), ChallengerVersionId = Guid.NewGuid(),
                InputDatasetVersionId = Guid.NewGuid(), ShadowSha256 = hashes[2]!, CreatedAt = now });
            db.Reproductions.Add(new Reproduction { Id = Guid.NewGuid(), ModelVersionId = Guid.NewGuid(), RecordedSha256 = hashes[3]!, NewSha256 = hashes[3]!, RequestedBy = "x", CreatedAt = now });
            db.Audit("cli:test", "test.rows", "thing", "x");
            await db.SaveChangesAsync();
        }
        await using (var scope = _portal.Scope())
            (await _portal.Get<ArtifactSweeper>(scope).SweepAsync("cli:test")).Blobs.ShouldBeEmpty();
        referenced.ShouldAllBe(p => File.Exists(p));
    }
}
