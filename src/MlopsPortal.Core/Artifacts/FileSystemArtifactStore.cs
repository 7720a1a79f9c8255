using System.Security.Cryptography;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Artifacts;

/// <summary>
/// Blobs under <c>artifacts/sha256/ab/abcdef…</c>. A put streams to a temporary file in the same
/// folder tree while hashing (never holding the content in memory), then renames it into place; a
/// cancelled or failed put deletes its temporary file, so a half-written blob is never visible.
/// </summary>
public sealed class FileSystemArtifactStore(PortalPaths paths) : IArtifactStore
{
    private string Root => Path.Combine(paths.ArtifactsDirectory, "sha256");

    public string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
            throw new ArgumentException($"'{sha256}' is not a lowercase SHA-256.", nameof(sha256));
        return Path.Combine(Root, sha256[..2], sha256);
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public async Task<ArtifactRef> PutAsync(Stream content, long? maxBytes = null, CancellationToken ct = default)
    {
        var incoming = Path.Combine(Root, "incoming");
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, $"{Guid.NewGuid():N}.partial");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (maxBytes is { } limit && length > limit)
                        throw new ArtifactTooLargeException(limit);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var final = PathOf(sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final))
            {
                File.Delete(temporary); // the same bytes are already stored: one blob
                // A blob no row references yet is swept once it is old (ArtifactSweeper); the row for this put follows now.
                File.SetLastWriteTimeUtc(final, DateTime.UtcNow);
            }
            else
                File.Move(temporary, final, overwrite: true);
            return new ArtifactRef(sha256, length);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
