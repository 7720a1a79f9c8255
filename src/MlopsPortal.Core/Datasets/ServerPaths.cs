using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MlopsPortal.Core.Datasets;

/// <summary>
/// Judges server paths by where they really lead. .NET has no realpath(3), so this is written by hand:
/// an open file's real path comes from /proc/self/fd (Linux), which also closes the gap between checking
/// a path and opening it; folders are resolved one component at a time, following symbolic links.
/// </summary>
public static partial class ServerPaths
{
    /// <summary>The real path of a folder or file: absolute, no "." or "..", no symbolic links.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var parts = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        for (var hops = 0; parts.Count > 0;)
        {
            var part = parts.Dequeue();
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40)
                    throw new IOException($"{path}: too many levels of symbolic links.");
                // Restart from the link's target, then the parts that were left.
                var resolvedTarget = Path.GetFullPath(target, current);
                var rest = parts.ToList();
                parts = new Queue<string>(resolvedTarget[Path.GetPathRoot(resolvedTarget)!.Length..]
                    .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = Path.GetPathRoot(resolvedTarget)!;
                continue;
            }
            current = next;
        }
        return current;
    }

    /// <summary>The real path of the file this stream has open.</summary>
    public static string OfOpenFile(FileStream stream)
    {
        var descriptor = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
        if (File.Exists(descriptor) && new FileInfo(descriptor).LinkTarget is { } target)
            return target;
        return Resolve(stream.Name);
    }

    /// <summary>True when <paramref name="path"/> is strictly inside <paramref name="folder"/> (both real paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// Opens a file for reading only if it is a regular file. On Linux the open does not block (O_NONBLOCK), so a
    /// named pipe with no writer answers at once instead of holding the request until someone writes to it; a pipe or
    /// socket cannot seek, which is how it is told apart. Null when <paramref name="path"/> is not a regular file.
    /// </summary>
    public static FileStream? OpenRegularFile(string path)
    {
        if (Directory.Exists(path))
            return null;
        if (!OperatingSystem.IsLinux())
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        const int readOnlyNonBlockingCloseOnExec = 0x0 | 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC (Linux)
        var descriptor = Open(path, readOnlyNonBlockingCloseOnExec);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // ENXIO: a socket, or a pipe opened for writing; anything else is the usual "cannot open" story.
            if (errno == 6) return null;
            throw errno switch
            {
                2 => new FileNotFoundException($"Could not find file '{path}'.", path),
                13 or 1 => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                _ => new IOException($"{path} cannot be opened (error {errno})."),
            };
        }
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        var stream = new FileStream(handle, FileAccess.Read, 1 << 16);
        if (stream.CanSeek)
            return stream;
        stream.Dispose();
        return null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
