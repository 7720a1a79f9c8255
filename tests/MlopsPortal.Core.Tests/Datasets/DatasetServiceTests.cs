using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Datasets;

/// <summary>Adding datasets on a real SQLite database and artifact folder.</summary>
public sealed class DatasetServiceTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private static readonly Actor Engineer = new("u1", "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false);

    public async Task InitializeAsync() => _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private DatasetService Service
    {
        get
        {
            var scope = _portal.Scope();
            return _portal.Get<DatasetService>(scope);
        }
    }

    private static string RepositoryFile(string relative) => Path.Combine(RepositoryRoot.Path, "tests", "data", relative);

    private async Task<(int Datasets, int Versions, int Events, int Blobs)> CountsAsync()
    {
        await using var scope = _portal.Scope();
        var db = _portal.Get<PortalDbContext>(scope);
        var artifacts = Path.Combine(_portal.DataDirectory, "artifacts", "sha256");
        var blobs = Directory.Exists(artifacts)
            ? Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories).Length
            : 0;
        return (await db.Datasets.CountAsync(), await db.DatasetVersions.CountAsync(), await db.AuditEvents.CountAsync(), blobs);
    }

    [Fact]
    public async Task ShouldImportCompasWithItsShapeAndTheDuplicateNameWarning_WhenAdded()
    {
        await using var file = File.OpenRead(RepositoryFile("compas/compas-two-years.csv"));
        var (version, created) = await Service.AddAsync(Engineer, file, "compas", "compas-two-years.csv");
        created.ShouldBeTrue();
        version.Version.ShouldBe(1);
        version.RowCount.ShouldBe(7214);
        version.ColumnCount.ShouldBe(49);
        JsonSerializer.Deserialize<string[]>(version.Warnings)!.ShouldContain(w => w.Contains("decile_score_2"));
        var schema = JsonDocument.Parse(version.Schema).RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        schema["age"].GetProperty("type").GetString().ShouldBe("integer");
        schema["race"].GetProperty("type").GetString().ShouldBe("categorical");
        schema["c_jail_in"].GetProperty("nullable").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldReturnTheExistingVersion_WhenTheSameBytesAreAddedAgain()
    {
        var bytes = "a,b\n1,x\n2,y\n"u8.ToArray();
        var first = await Service.AddAsync(Engineer, new MemoryStream(bytes), "small");
        var before = await CountsAsync();
        var again = await Service.AddAsync(Engineer, new MemoryStream(bytes), "small");
        again.Created.ShouldBeFalse();
        again.Version.Id.ShouldBe(first.Version.Id);
        (await CountsAsync()).ShouldBe(before);
        var changed = await Service.AddAsync(Engineer, new MemoryStream("a,b\n1,x\n2,z\n"u8.ToArray()), "small");
        changed.Version.Version.ShouldBe(2);
    }

    /// <summary>tests/data/malformed: one file per way a CSV goes wrong, with the message each must get.</summary>
    public static TheoryData<string, string> Malformed()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in File.ReadAllLines(RepositoryFile("malformed/expected.tsv")))
        {
            var parts = line.Split('\t');
            data.Add(parts[0], parts[1]);
        }
        return data;
    }

    [Fact]
    public void ShouldHaveAtLeastTwentyMalformedFiles_WhenTheCorpusIsListed()
    {
        var files = Directory.GetFiles(RepositoryFile("malformed"), "*.csv").Select(Path.GetFileName).Order().ToList();
        files.Count.ShouldBeGreaterThanOrEqualTo(20);
        Malformed().Select(row => (string)row[0]).Order().ShouldBe(files);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task ShouldStoreNothingAndNameThePlace_WhenTheFileIsNotAcceptable(string file, string expected)
    {
        var before = await CountsAsync();
        await using var stream = File.OpenRead(RepositoryFile($"malformed/{file}"));
        var e = await Should.ThrowAsync<PortalValidationException>(() => Service.AddAsync(Engineer, stream, "bad", file));
        e.Message.ShouldBe($"{file}: {expected} Nothing was stored.");
        (await CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ShouldKeepTheOtherVersionsBlob_WhenABadUploadFollowsAGoodOne()
    {
        await Service.AddAsync(Engineer, new MemoryStream("a,b\n1,2\n"u8.ToArray()), "kept");
        var before = await CountsAsync();
        await Should.ThrowAsync<PortalValidationException>(() => Service.AddAsync(Engineer, new MemoryStream("a,b\n1,2,3\n"u8.ToArray()), "kept"));
        (await CountsAsync()).ShouldBe(before);
        before.Blobs.ShouldBe(1);
    }

    /// <summary>An upload whose connection drops half-way.</summary>
    private sealed class DroppedUpload(byte[] bytes, int dropAfter) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Position >= dropAfter) throw new OperationCanceledException("connection reset");
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, dropAfter - (int)Position)], ct);
        }
    }

    [Fact]
    public async Task ShouldLeaveNothingHalfStored_WhenTheUploadIsCancelled()
    {
        var bytes = File.ReadAllBytes(RepositoryFile("adult/adult.data"));
        var before = await CountsAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => Service.AddAsync(Engineer, new DroppedUpload(bytes, bytes.Length / 2), "adult"));
        (await CountsAsync()).ShouldBe(before);
        Directory.GetFiles(Path.Combine(_portal.DataDirectory, "artifacts"), "*.partial", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Has Spaces")]
    [InlineData("../escape")]
    [InlineData("")]
    public async Task ShouldRejectTheName_WhenItIsNotADatasetName(string name) =>
        (await Should.ThrowAsync<PortalValidationException>(() => Service.AddAsync(Engineer, new MemoryStream("a\n1\n"u8.ToArray()), name)))
            .Message.ShouldContain("is not a dataset name");

    [Fact]
    public async Task ShouldForbidAdding_WhenTheActorIsAnAuditor() =>
        await Should.ThrowAsync<PortalForbiddenException>(() => Service.AddAsync(
            new Actor("u2", "a@x.test", new HashSet<string> { Roles.Auditor }, false), new MemoryStream("a\n1\n"u8.ToArray()), "x"));

    [Fact]
    public async Task ShouldMarkProtectedAttributesAndMaskThemForEngineers_WhenAPreviewIsAsked()
    {
        await using var file = File.OpenRead(RepositoryFile("compas/compas-two-years.csv"));
        var (version, _) = await Service.AddAsync(Engineer, file, "compas");
        (await Service.GetVersionAsync(version.Id)).Dataset.SensitiveColumns.ShouldBe(["sex", "age", "race"], ignoreOrder: true);

        var masked = await Service.PreviewAsync(Engineer, version.Id);
        masked.Sensitive.ShouldBe(["sex", "age", "race"]); // in the file's order
        masked.MaskedForActor.ShouldBeTrue();
        masked.Rows.Count.ShouldBe(100);
        var race = masked.Header.ToList().IndexOf("race");
        masked.Masked[race].ShouldBeTrue();
        masked.Rows.ShouldAllBe(r => r[race] == DatasetService.Masked);

        var scientist = new Actor("u3", "ds@x.test", new HashSet<string> { Roles.DataScientist }, false);
        var plain = await Service.PreviewAsync(scientist, version.Id);
        plain.Rows[0][race].ShouldBe("Other");
        plain.Rows[0][masked.Header.ToList().IndexOf("sex")].ShouldBe("Male");
        plain.Masked.ShouldAllBe(m => !m);
        plain.Sensitive.ShouldBe(["sex", "age", "race"]);
        plain.MaskedForActor.ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldMaskExactlyTheColumnsItNamesSensitive_WhenTheDatasetsListChangedAfterTheUpload()
    {
        // Added with age and gender marked by default; then the dataset page keeps only gender (as the demo does).
        var (version, _) = await Service.AddAsync(Engineer, new MemoryStream("id,age,gender,income\n1,42,f,100\n2,37,m,90\n"u8.ToArray()), "applicants");
        await Service.UpdateAsync(Engineer, "applicants", null, ["gender"]);

        var preview = await Service.PreviewAsync(Engineer, version.Id);
        var masked = preview.Header.Where((_, i) => preview.Masked[i]).ToList();
        masked.ShouldBe(["gender"]);
        preview.Sensitive.ShouldBe(masked);
        preview.Rows.ShouldAllBe(r => r[2] == DatasetService.Masked && r[1] != DatasetService.Masked);
        // Nothing stored with the version still says that age is sensitive.
        DatasetService.WarningsOf((await Service.GetVersionAsync(version.Id)).Version).ShouldNotContain(w => w.Contains("age"));
    }

    [Fact]
    public void ShouldLeaveOutTheOldSensitiveLine_WhenAVersionStoredOne() =>
        DatasetService.WarningsOf(new DatasetVersion
        {
            Warnings = JsonSerializer.Serialize(new[] { "Column 'x' repeats a name.", "Marked as sensitive (masked in previews for roles that need not see them): age, gender. Change this on the dataset page." }),
        }).ShouldBe(["Column 'x' repeats a name."]);

    [Fact]
    public async Task ShouldChangeSensitiveColumnsWithAnAuditEvent_WhenTheDatasetIsUpdated()
    {
        await Service.AddAsync(Engineer, new MemoryStream("id,zip\n1,12345\n"u8.ToArray()), "zips");
        var before = await CountsAsync();
        var updated = await Service.UpdateAsync(Engineer, "zips", "Postcodes", ["zip"]);
        updated.SensitiveColumns.ShouldBe(["zip"]);
        (await CountsAsync()).Events.ShouldBe(before.Events + 1);
        (await Should.ThrowAsync<PortalValidationException>(() => Service.UpdateAsync(Engineer, "zips", null, ["postcode"])))
            .Message.ShouldContain("no column 'postcode'");
        (await CountsAsync()).Events.ShouldBe(before.Events + 1);
    }

    [Fact]
    public async Task ShouldKeepTheLatestVersionAndCount_WhenVersionsAreAdded()
    {
        await Service.AddAsync(Engineer, new MemoryStream("a\n1\n"u8.ToArray()), "grows");
        var (second, _) = await Service.AddAsync(Engineer, new MemoryStream("a\n1\n2\n"u8.ToArray()), "grows");
        await Service.AddAsync(Engineer, new MemoryStream("b\nx\n"u8.ToArray()), "other");
        var (items, total) = await Service.PageAsync("gro", 0, 10);
        total.ShouldBe(1);
        items[0].LatestVersion.ShouldBe(2);
        items[0].Versions.ShouldBe(2);
        items[0].LatestVersionId.ShouldBe(second.Id);
        items[0].Rows.ShouldBe(2);
    }
}
