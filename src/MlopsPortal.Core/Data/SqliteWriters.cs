using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MlopsPortal.Core.Data;

/// <summary>
/// One turn at a time for this process's audited writes to a SQLite file. SQLite lets one writer in; the others get
/// SQLITE_BUSY and Microsoft.Data.Sqlite retries them after a fixed sleep, which under a burst of writes turns a few
/// milliseconds of work into seconds of waiting. Queueing here hands the file over as soon as the previous commit ends.
/// Other processes on the same file (a CLI command) still meet the busy wait, which is what it is for.
/// </summary>
internal static class SqliteWriters
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The turn (dispose it after the commit), or null on other databases.</summary>
    public static async Task<IDisposable?> EnterAsync(DbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
            return null;
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var gate = Gates.GetOrAdd(Path.GetFullPath(file), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }
}
