using System.Security.Cryptography;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Data;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Artifacts;

public sealed class FileSystemArtifactStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private FileSystemArtifactStore Store => new(new PortalPaths(_dir.Path));

    public void Dispose() => _dir.Dispose();

    private IEnumerable<string> AllFiles => Directory.Exists(Path.Combine(_dir.Path, "artifacts"))
        ? Directory.GetFiles(Path.Combine(_dir.Path, "artifacts"), "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public async Task ShouldStoreTheSameBytesOnce_WhenPutTwice()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var first = await Store.PutAsync(new MemoryStream(bytes));
        var second = await Store.PutAsync(new MemoryStream(bytes));
        first.ShouldBe(second);
        first.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        first.Length.ShouldBe(300_000);
        AllFiles.Count().ShouldBe(1);
        await using var read = Store.OpenRead(first.Sha256);
        var back = new MemoryStream();
        await read.CopyToAsync(back);
        back.ToArray().ShouldBe(bytes);
    }

    /// <summary>A stream that delivers some bytes, then fails as a dropped upload does.</summary>
    private sealed class BrokenStream(int failAfter) : MemoryStream(new byte[failAfter * 2])
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Position >= failAfter) throw new OperationCanceledException("the client went away");
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, (int)(failAfter - Position))], ct);
        }
    }

    [Fact]
    public async Task ShouldLeaveNothing_WhenTheUploadStopsHalfWay()
    {
        await Should.ThrowAsync<OperationCanceledException>(() => Store.PutAsync(new BrokenStream(200_000)));
        AllFiles.ShouldBeEmpty();
    }

    [Fact]
    public async Task ShouldRejectAndLeaveNothing_WhenTheContentPassesTheLimit()
    {
        var e = await Should.ThrowAsync<ArtifactTooLargeException>(() => Store.PutAsync(new MemoryStream(new byte[5000]), maxBytes: 4096));
        e.Limit.ShouldBe(4096);
        AllFiles.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void ShouldRefuseAPathThatIsNotAHash_WhenAskedForOne(string name) =>
        Should.Throw<ArgumentException>(() => Store.PathOf(name));
}
