using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Notifications;

/// <summary>
/// Sends what the outbox holds: e-mail copies of notifications over SMTP (MailKit) and webhook deliveries over
/// HTTP, each signed with HMAC-SHA256. A message is claimed with a conditional update before it is sent, so nodes
/// sharing a database never send it twice at once; a failure is recorded and retried later with a growing wait.
/// The retry schedule lives in the database (it must survive restarts), which is why it is not a Polly policy.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<PortalDbContext> dbFactory, IHttpClientFactory http, IDataProtectionProvider protection,
    IOptions<NotificationOptions> options, ILogger<NotificationDispatcher> logger)
{
    public const string SignatureHeader = "X-Mlops-Signature-256";
    public const string EventHeader = "X-Mlops-Event";
    public const string DeliveryHeader = "X-Mlops-Delivery";
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(2);

    public IDataProtector Protector { get; } = protection.CreateProtector("MlopsPortal.Notifications.v1");

    /// <summary>"sha256=" and the lowercase hex HMAC-SHA256 of the body under the secret (what receivers recompute).</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>Sends everything due now; returns how many e-mails and deliveries it attempted.</summary>
    public async Task<(int Emails, int Webhooks)> DispatchOnceAsync(CancellationToken ct = default)
    {
        var emails = await SendEmailsAsync(ct);
        var hooks = await DeliverWebhooksAsync(ct);
        return (emails, hooks);
    }

    private async Task<int> DeliverWebhooksAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(50).ToListAsync(ct);
        var attempted = 0;
        foreach (var id in due)
        {
            // The claim's clock is read per message: a long batch must not write claims that have already run out.
            var at = DateTime.UtcNow;
            var claimed = await db.WebhookDeliveries.Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < at))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, at + Claim), ct);
            if (claimed != 1) continue;
            attempted++;
            var delivery = await db.WebhookDeliveries.SingleAsync(d => d.Id == id, ct);
            var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == delivery.SubscriptionId, ct);
            int? status = null;
            string? error = null;
            var watch = Stopwatch.StartNew();
            if (subscription is null || !subscription.Enabled)
                error = "The webhook is disabled.";
            else
            {
                try
                {
                    using var message = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
                    {
                        Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
                    };
                    message.Headers.Add(EventHeader, delivery.Event);
                    message.Headers.Add(DeliveryHeader, delivery.Id.ToString());
                    message.Headers.Add(SignatureHeader, Sign(Protector.Unprotect(subscription.ProtectedSecret), delivery.Body));
                    using var client = http.CreateClient(nameof(NotificationDispatcher));
                    client.Timeout = TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds);
                    using var response = await client.SendAsync(message, ct);
                    status = (int)response.StatusCode;
                    if (!response.IsSuccessStatusCode)
                        error = $"HTTP {status} {response.ReasonPhrase}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException)
                {
                    error = e is TaskCanceledException && !ct.IsCancellationRequested
                        ? $"No answer within {options.Value.WebhookTimeoutSeconds:0} s." : e.Message;
                }
            }
            var finished = DateTime.UtcNow;
            delivery.Attempts++;
            delivery.LastAttemptAt = finished;
            delivery.LastStatusCode = status;
            delivery.LastError = error is null ? null : Truncate(error, 2000);
            delivery.LockedUntil = null;
            if (error is null)
            {
                delivery.Status = DeliveryStatus.Delivered;
                delivery.DeliveredAt = finished;
            }
            else if (delivery.Attempts >= options.Value.WebhookMaxAttempts || subscription is null)
                delivery.Status = DeliveryStatus.Failed;
            else
                delivery.NextAttemptAt = finished + Backoff(delivery.Attempts);
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                DeliveryId = delivery.Id, Number = delivery.Attempts, At = finished, StatusCode = status, Error = delivery.LastError,
                DurationMs = watch.Elapsed.TotalMilliseconds,
            });
            await db.SaveChangesAsync(ct);
            if (error is not null)
                logger.LogWarning("Webhook delivery {Delivery} ({Event}) attempt {Attempt} failed: {Error}", delivery.Id, delivery.Event, delivery.Attempts, error);
        }
        return attempted;
    }

    /// <summary>The wait after the n-th failed attempt: the configured first wait, times four per further failure, at most six hours.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var seconds = options.Value.WebhookBackoffSeconds * Math.Pow(4, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, 6 * 3600));
    }

    private async Task<int> SendEmailsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await db.Notifications.AsNoTracking()
            .Where(n => n.EmailStatus == EmailStatus.Pending && n.EmailNextAttemptAt <= now && (n.LockedUntil == null || n.LockedUntil < now))
            .OrderBy(n => n.CreatedAt).Select(n => n.Id).Take(50).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var settings = await db.SmtpSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        if (settings is not { Enabled: true })
            return 0;
        var attempted = 0;
        foreach (var id in due)
        {
            var at = DateTime.UtcNow;
            var claimed = await db.Notifications.Where(n => n.Id == id && n.EmailStatus == EmailStatus.Pending && (n.LockedUntil == null || n.LockedUntil < at))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, at + Claim), ct);
            if (claimed != 1) continue;
            attempted++;
            var n = await db.Notifications.SingleAsync(x => x.Id == id, ct);
            try
            {
                await SendAsync(settings, n.EmailTo!, n.Title, n.Body, n.Link, ct);
                n.EmailStatus = EmailStatus.Sent;
                n.EmailSentAt = DateTime.UtcNow;
                n.EmailError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                n.EmailAttempts++;
                n.EmailError = Truncate(e.Message, 2000);
                if (n.EmailAttempts >= options.Value.EmailMaxAttempts)
                    n.EmailStatus = EmailStatus.Failed;
                else
                    n.EmailNextAttemptAt = DateTime.UtcNow + Backoff(n.EmailAttempts);
                logger.LogWarning("E-mail {Notification} to {To} failed (attempt {Attempt}): {Error}", n.Id, n.EmailTo, n.EmailAttempts, e.Message);
            }
            n.LockedUntil = null;
            await db.SaveChangesAsync(ct);
        }
        return attempted;
    }

    /// <summary>Sends one e-mail with the given settings (also the Administrator's "send a test e-mail").</summary>
    public async Task SendAsync(SmtpSettings settings, string to, string subject, string body, string? link, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var url = link is null ? null : (settings.PortalUrl?.TrimEnd('/') ?? "") + link;
        message.Body = new TextPart("plain") { Text = url is null ? body : $"{body}\n\nOpen it in the portal: {url}\n" };
        using var smtp = new SmtpClient { Timeout = 15_000 };
        var security = settings.Security switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(settings.Host, settings.Port, security, ct);
        if (!string.IsNullOrEmpty(settings.UserName) && settings.ProtectedPassword is { } protectedPassword)
            await smtp.AuthenticateAsync(settings.UserName, Protector.Unprotect(protectedPassword), ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(true, ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
