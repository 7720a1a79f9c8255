using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MlopsPortal.Core.Notifications;

/// <summary>Runs the dispatcher every few seconds on each portal and worker node.</summary>
public sealed class NotificationDispatchService(NotificationDispatcher dispatcher, IOptions<NotificationOptions> options, ILogger<NotificationDispatchService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DispatchIntervalSeconds;
        if (interval <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await dispatcher.DispatchOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A database hiccup must not stop the loop: the next tick tries again.
                logger.LogError(e, "Sending notifications and webhook deliveries failed; trying again in {Interval} s.", interval);
            }
        }
    }
}
