namespace MlopsPortal.Core.Notifications;

public sealed class NotificationOptions
{
    public const string Section = "Notifications";
    /// <summary>How often each node looks for messages and deliveries to send; 0 turns the loop off.</summary>
    public double DispatchIntervalSeconds { get; set; } = 5;
    public int WebhookMaxAttempts { get; set; } = 8;
    /// <summary>The wait after the first failed attempt; each further failure waits four times longer (at most six hours).</summary>
    public double WebhookBackoffSeconds { get; set; } = 30;
    public double WebhookTimeoutSeconds { get; set; } = 10;
    public int EmailMaxAttempts { get; set; } = 5;
}
