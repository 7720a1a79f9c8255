namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// Files that jobs produce appear whole or not at all: written under a temporary name in the same
/// folder, flushed to disk, then renamed into place (a rename within one file system is atomic).
/// </summary>
public static class AtomicFile
{
    public const string TemporarySuffix = ".partial";

    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await write(stream, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static Task WriteAllTextAsync(string path, string text, CancellationToken ct) =>
        WriteAsync(path, async (s, c) =>
        {
            await using var writer = new StreamWriter(s, leaveOpen: true);
            await writer.WriteAsync(text.AsMemory(), c);
        }, ct);
}
