namespace MlopsPortal.Web.Components;

/// <summary>
/// Re-reads a page's data on a timer while it is open: jobs run on any node, so live pages poll the shared
/// database. A failed refresh (a database hiccup) is logged and tried again on the next tick.
/// </summary>
public sealed class PagePoller(ILogger logger, string what) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Starts polling; <paramref name="refresh"/> returns false when there is nothing left to watch.</summary>
    public void Start(TimeSpan interval, Func<Task<bool>> refresh) => _ = RunAsync(interval, refresh, _stop.Token);

    private async Task RunAsync(TimeSpan interval, Func<Task<bool>> refresh, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await refresh()) return;
                }
                catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                {
                    logger.LogWarning(e, "Refreshing {What} failed; retrying.", what);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
