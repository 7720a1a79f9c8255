using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// A running job's progress, log and heartbeat. Jobs call <see cref="Report"/> and <see cref="Log"/>
/// as often as they like; a background loop writes the latest state about once a second (the Jobs
/// page polls the database, so every node's jobs show live) and picks up cancel requests.
/// </summary>
public sealed class JobProgress(Guid runId, JobServices services, CancellationTokenSource cancel)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly List<JobLogLine> _pendingLines = [];
    private readonly List<object> _pendingRows = [];
    private readonly CancellationTokenSource _stop = new();
    private double? _fraction;
    private string? _text;
    private bool _dirty;
    private DateTime _lastWrite = DateTime.UtcNow;

    public bool CancelRequested { get; private set; }
    /// <summary>The run is no longer this node's (another node claimed it after taking this one for dead).</summary>
    public bool RunLost { get; private set; }
    public string? CancelledBy { get; private set; }

    /// <summary>Progress from 0 to 1 with a short text ("round 40 of 200").</summary>
    public void Report(double fraction, string? text = null)
    {
        lock (_gate)
        {
            _fraction = Math.Clamp(fraction, 0, 1);
            _text = text is { Length: > 500 } ? text[..500] : text;
            _dirty = true;
        }
    }

    public void Log(string message, string level = "info")
    {
        lock (_gate)
        {
            _pendingLines.Add(new JobLogLine
            {
                JobRunId = runId, At = DateTime.UtcNow, Level = level,
                Message = message.Length > 2000 ? message[..2000] : message,
            });
            _dirty = true;
        }
    }

    /// <summary>
    /// A row the job reports as it goes (a training round), written with the next flush. Like log lines these
    /// are progress, not results: results go in the outcome's transaction.
    /// </summary>
    public void Record(object row)
    {
        lock (_gate)
        {
            _pendingRows.Add(row);
            _dirty = true;
        }
    }

    internal async Task KeepAliveAsync(TimeSpan heartbeat)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                bool due;
                lock (_gate) due = _dirty || DateTime.UtcNow - _lastWrite >= heartbeat;
                if (!due) continue;
                try
                {
                    // Not cancelled by the stop: a flush under way finishes, so no log line is lost.
                    await FlushAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed heartbeat is retried on the next tick; the job itself goes on.
                    services.Logger.LogWarning(e, "Could not write the progress of job run {RunId}.", runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal async Task StopAsync(Task keepAlive)
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await keepAlive;
        _stop.Dispose();
    }

    /// <summary>Writes pending log lines; unless <paramref name="final"/>, also the heartbeat and progress, and reads cancel requests.</summary>
    internal async Task FlushAsync(CancellationToken ct, bool final = false)
    {
        List<JobLogLine> lines;
        List<object> rows;
        double? fraction;
        string? text;
        lock (_gate)
        {
            lines = [.. _pendingLines];
            _pendingLines.Clear();
            rows = [.. _pendingRows];
            _pendingRows.Clear();
            fraction = _fraction;
            text = _text;
            _dirty = false;
        }
        var now = DateTime.UtcNow;
        ExceptionDispatchInfo? writeError = null;
        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        if (rows.Count > 0)
        {
            try
            {
                db.AddRange(rows);
                await db.SaveChangesAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Progress rows are telemetry: ones that cannot be written (a restarted attempt's clash, a value the
                // database refuses) are dropped, so that they never hold back log lines, heartbeats or the outcome.
                db.ChangeTracker.Clear();
                services.Logger.LogWarning(e, "Dropped {Count} progress row(s) of job run {RunId} that could not be written.", rows.Count, runId);
            }
        }
        if (lines.Count > 0)
        {
            try
            {
                db.JobLogLines.AddRange(lines);
                await db.SaveChangesAsync(ct);
            }
            catch (Exception e)
            {
                // Keep them for the next flush, in order; the heartbeat still goes out first.
                db.ChangeTracker.Clear();
                lock (_gate) _pendingLines.InsertRange(0, lines);
                if (final) throw;
                writeError = ExceptionDispatchInfo.Capture(e);
            }
        }
        if (final)
            return;
        await BeatAsync(db, now, fraction, text, ct);
        writeError?.Throw();
    }

    /// <summary>The heartbeat and progress, then the run's cancel request.</summary>
    private async Task BeatAsync(PortalDbContext db, DateTime now, double? fraction, string? text, CancellationToken ct)
    {
        // Only while this node holds the run: a heartbeat never touches a finished or taken-over run.
        var nodeId = services.Node.Id;
        var held = await db.JobRuns.Where(r => r.Id == runId && r.Status == JobRunStatus.Running && r.NodeId == nodeId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.LastHeartbeatAt, now)
                .SetProperty(r => r.Progress, r => fraction ?? r.Progress)
                .SetProperty(r => r.ProgressText, r => text ?? r.ProgressText), ct);
        _lastWrite = now;
        if (held == 0)
        {
            if (!RunLost && !cancel.IsCancellationRequested)
            {
                RunLost = true;
                await cancel.CancelAsync();
            }
            return;
        }
        var cancelRequest = await db.JobRuns.Where(r => r.Id == runId)
            .Select(r => new { r.CancelRequested, r.CancelRequestedBy }).SingleAsync(ct);
        if (cancelRequest.CancelRequested && !CancelRequested)
        {
            CancelRequested = true;
            CancelledBy = cancelRequest.CancelRequestedBy;
            await cancel.CancelAsync();
        }
    }
}
