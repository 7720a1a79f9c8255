using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Drift;

/// <summary>The state of the alert queue that open pages show: unacknowledged alerts, and the newest raised.</summary>
public sealed record AlertFeedState(int Unacknowledged, int Open, Guid? Newest, DateTime? NewestRaisedAt);

/// <summary>
/// Pushes the alert queue's state to open circuits (the navigation's count, the queue), like eShop's order-status notifier:
/// pages subscribe, and each change is sent to every subscriber. Alerts are raised inside jobs' transactions, possibly on
/// another node, so the feed reads the state from the database — once per interval for the whole process, only while a
/// page listens — and at once when this process triages (<see cref="Poke"/>).
/// </summary>
public sealed class DriftAlertFeed(IDbContextFactory<PortalDbContext> dbFactory, ILogger<DriftAlertFeed> logger) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private readonly List<Func<AlertFeedState, Task>> _subscribers = [];
    private readonly SemaphoreSlim _reading = new(1, 1);
    private Timer? _timer;
    private AlertFeedState? _last;

    /// <summary>The last state read (null before the first read).</summary>
    public AlertFeedState? Current => _last;

    /// <summary>Calls <paramref name="changed"/> with each new state until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Func<AlertFeedState, Task> changed)
    {
        lock (_gate)
        {
            _subscribers.Add(changed);
            _timer ??= new Timer(_ => _ = PokeAsync(), null, TimeSpan.Zero, Interval);
        }
        return new Subscription(this, changed);
    }

    /// <summary>Reads the state now (after a triage step in this process) instead of at the next interval.</summary>
    public void Poke() => _ = PokeAsync();

    /// <summary>Reads the state and tells every subscriber when it changed.</summary>
    public async Task PokeAsync()
    {
        if (!await _reading.WaitAsync(0)) return;
        try
        {
            var state = await ReadAsync();
            if (state == _last) return;
            _last = state;
            Func<AlertFeedState, Task>[] subscribers;
            lock (_gate) subscribers = [.. _subscribers];
            foreach (var s in subscribers)
            {
                try
                {
                    await s(state);
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
                {
                    // A circuit that closed between the read and the call: it unsubscribes as it goes.
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the drift alert queue's state.");
        }
        finally
        {
            _reading.Release();
        }
    }

    public async Task<AlertFeedState> ReadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = db.DriftAlerts.AsNoTracking().Where(a => a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged);
        var newest = await db.DriftAlerts.AsNoTracking().OrderByDescending(a => a.RaisedAt).Select(a => new { a.Id, a.RaisedAt }).FirstOrDefaultAsync(ct);
        return new AlertFeedState(await open.CountAsync(a => a.Status == AlertStatus.Open, ct), await open.CountAsync(ct), newest?.Id, newest?.RaisedAt);
    }

    private void Unsubscribe(Func<AlertFeedState, Task> changed)
    {
        lock (_gate)
        {
            _subscribers.Remove(changed);
            if (_subscribers.Count > 0) return;
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            _subscribers.Clear();
        }
    }

    private sealed class Subscription(DriftAlertFeed feed, Func<AlertFeedState, Task> changed) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(changed);
    }
}
