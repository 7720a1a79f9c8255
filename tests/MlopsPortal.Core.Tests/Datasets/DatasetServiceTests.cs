using System.Text;
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

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "empty", [], "the file is empty" },
        { "header only", "a,b,c\n"u8.ToArray(), "no data rows" },
        { "ragged", "a,b,c\n1,2,3\n4,5\n"u8.ToArray(), "Line 3, column 3" },
        { "unclosed quote", "a,b\n1,\"open\n"u8.ToArray(), "not closed" },
        { "text after quote", "a,b\n1,\"x\"y\n"u8.ToArray(), "after a closing quote" },
        { "invalid UTF-8", [.. "a,b\n1,"u8.ToArray(), 0xFF, 0xFE, .. "\n"u8.ToArray()], "not valid UTF-8" },
        { "binary", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x10], "binary" },
        { "latin-1", Encoding.Latin1.GetBytes("name,city\nJosé,Zürich\n"), "Line 2, column 1" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task ShouldStoreNothingAndNameThePlace_WhenTheFileIsNotAcceptable(string label, byte[] bytes, string expected)
    {
        var before = await CountsAsync();
        var e = await Should.ThrowAsync<PortalValidationException>(() => Service.AddAsync(Engineer, new MemoryStream(bytes), "bad", $"{label}.csv"));
        e.Message.ShouldContain(expected);
        e.Message.ShouldContain($"{label}.csv");
        (await CountsAsync()).ShouldBe(before);
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
}
