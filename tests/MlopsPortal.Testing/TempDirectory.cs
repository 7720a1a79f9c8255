namespace MlopsPortal.Testing;

/// <summary>A folder under the system temp dir, deleted at the end: tests never share a data dir.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mlops-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a process still holds a file; the OS cleans temp */ }
    }
}
