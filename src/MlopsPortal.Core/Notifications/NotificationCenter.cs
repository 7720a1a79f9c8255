using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Notifications;

/// <summary>SMTP settings as an Administrator edits them; a null password keeps the stored one.</summary>
public sealed record SmtpInput(bool Enabled, string Host, int Port, string Security, string? UserName, string? Password, string FromAddress, string? FromName, string? PortalUrl);

/// <summary>A webhook as an Administrator edits it.</summary>
public sealed record WebhookInput(string Name, string Url, List<string> Events, bool Enabled = true);

/// <summary>In-app notifications of the signed-in user, and the Administrator's SMTP and webhook settings.</summary>
public sealed class NotificationCenter(IDbContextFactory<PortalDbContext> dbFactory, NotificationDispatcher dispatcher)
{
    public async Task<IReadOnlyList<Notification>> MineAsync(Actor actor, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == actor.UserId)
            .OrderByDescending(n => n.CreatedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
    }

    /// <summary>Marks the user's notifications read (one, or all when <paramref name="id"/> is null).</summary>
    public async Task MarkReadAsync(Actor actor, Guid? id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        await db.Notifications.Where(n => n.UserId == actor.UserId && n.ReadAt == null && (id == null || n.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    // ---- SMTP -----------------------------------------------------------------------------------------------

    public async Task<SmtpSettings?> SmtpAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SmtpSettings.AsNoTracking().SingleOrDefaultAsync(ct);
    }

    public async Task<SmtpSettings> SetSmtpAsync(Actor actor, SmtpInput input, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        InputLimits.Text(input.Host?.Trim(), "The SMTP host", InputLimits.Line);
        InputLimits.Text(input.UserName?.Trim(), "The SMTP user name", InputLimits.Line);
        InputLimits.Text(input.Password, "The SMTP password", InputLimits.Line);
        InputLimits.Text(input.FromAddress?.Trim(), "The sender's address", InputLimits.Line);
        InputLimits.Text(input.FromName?.Trim(), "The sender's name", InputLimits.Line);
        InputLimits.Text(input.PortalUrl?.Trim(), "The portal's address", InputLimits.Summary);
        var host = (input.Host ?? "").Trim();
        if (input.Enabled && host.Length == 0) throw new PortalValidationException("Name the SMTP server's host.");
        if (input.Port is < 1 or > 65535) throw new PortalValidationException($"Port {input.Port} is not a TCP port (1–65535).");
        if (input.Security is not ("none" or "starttls" or "tls")) throw new PortalValidationException("Security is none, starttls or tls.");
        var from = (input.FromAddress ?? "").Trim();
        if (input.Enabled && !MimeKit.MailboxAddress.TryParse(from, out _)) throw new PortalValidationException($"'{from}' is not an e-mail address.");
        if (!string.IsNullOrWhiteSpace(input.PortalUrl) && !Uri.TryCreate(input.PortalUrl.Trim(), UriKind.Absolute, out _))
            throw new PortalValidationException($"'{input.PortalUrl}' is not an absolute address (https://…).");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.SmtpSettings.SingleOrDefaultAsync(ct);
        if (settings is null) db.SmtpSettings.Add(settings = new SmtpSettings());
        settings.Enabled = input.Enabled;
        settings.Host = host;
        settings.Port = input.Port;
        settings.Security = input.Security;
        settings.UserName = string.IsNullOrWhiteSpace(input.UserName) ? null : input.UserName.Trim();
        if (input.Password is { Length: > 0 } password) settings.ProtectedPassword = dispatcher.Protector.Protect(password);
        if (settings.UserName is null) settings.ProtectedPassword = null;
        settings.FromAddress = from;
        settings.FromName = string.IsNullOrWhiteSpace(input.FromName) ? "MLOps Governance Portal" : input.FromName.Trim();
        settings.PortalUrl = string.IsNullOrWhiteSpace(input.PortalUrl) ? null : input.PortalUrl.Trim();
        settings.UpdatedBy = actor.AuditName;
        settings.UpdatedAt = AuditChain.Now();
        db.Audit(actor.AuditName, "smtp-settings.changed", EntityKinds.SmtpSettings, "1", new
        {
            settings.Enabled, settings.Host, settings.Port, settings.Security, settings.UserName, settings.FromAddress, settings.PortalUrl,
            passwordChanged = input.Password is { Length: > 0 },
        });
        await db.SaveChangesAsync(ct);
        return settings;
    }

    /// <summary>Sends a test message with the stored settings; the exception's message says what went wrong.</summary>
    public async Task SendTestAsync(Actor actor, string to, CancellationToken ct = default)
    {
        var settings = await SmtpAsync(actor, ct) ?? throw new PortalValidationException("Save the SMTP settings first.");
        if (!MimeKit.MailboxAddress.TryParse(to, out _)) throw new PortalValidationException($"'{to}' is not an e-mail address.");
        try
        {
            await dispatcher.SendAsync(settings, to, "Test message from the MLOps Governance Portal",
                $"{actor.Name} sent this to check the portal's SMTP settings ({settings.Host}:{settings.Port}).", null, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not PortalValidationException)
        {
            throw new PortalValidationException($"Sending failed: {e.Message}");
        }
    }

    // ---- webhooks -------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<WebhookSubscription>> WebhooksAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookSubscriptions.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
    }

    /// <summary>Creates a webhook; returns it with its secret, which is shown this once (receivers need it to verify signatures).</summary>
    public async Task<(WebhookSubscription Webhook, string Secret)> CreateWebhookAsync(Actor actor, WebhookInput input, string? secret = null, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var (name, url, events) = Check(input);
        secret = string.IsNullOrEmpty(secret) ? "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : secret;
        if (secret.Length < 16) throw new PortalValidationException("A webhook secret has at least 16 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = AuditChain.Now();
        var hook = new WebhookSubscription
        {
            Id = Guid.NewGuid(), Name = name, Url = url, Events = events, Enabled = input.Enabled,
            ProtectedSecret = dispatcher.Protector.Protect(secret), CreatedBy = actor.AuditName, CreatedAt = now, UpdatedAt = now,
        };
        db.WebhookSubscriptions.Add(hook);
        db.Audit(actor.AuditName, "webhook.created", EntityKinds.WebhookSubscription, hook.Id.ToString(), new { name, url = Redacted(url), events, hook.Enabled });
        await db.SaveChangesAsync(ct);
        return (hook, secret);
    }

    public async Task<WebhookSubscription> UpdateWebhookAsync(Actor actor, Guid id, WebhookInput input, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var (name, url, events) = Check(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hook = await db.WebhookSubscriptions.SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new PortalNotFoundException($"No webhook {id}.");
        hook.Name = name;
        hook.Url = url;
        hook.Events = events;
        hook.Enabled = input.Enabled;
        hook.UpdatedAt = AuditChain.Now();
        db.Audit(actor.AuditName, "webhook.updated", EntityKinds.WebhookSubscription, hook.Id.ToString(), new { name, url = Redacted(url), events, hook.Enabled });
        await db.SaveChangesAsync(ct);
        return hook;
    }

    public async Task DeleteWebhookAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hook = await db.WebhookSubscriptions.SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new PortalNotFoundException($"No webhook {id}.");
        db.WebhookSubscriptions.Remove(hook);
        db.Audit(actor.AuditName, "webhook.deleted", EntityKinds.WebhookSubscription, hook.Id.ToString(), new { hook.Name, url = Redacted(hook.Url) });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A webhook's deliveries, newest first, with their attempts.</summary>
    public async Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> DeliveriesAsync(Actor actor, Guid id, int take = 100, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id)
            .OrderByDescending(d => d.CreatedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Number).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => (d, (IReadOnlyList<WebhookAttempt>)[.. attempts[d.Id]])).ToList();
    }

    /// <summary>Sends a failed delivery again now (same body, same signature).</summary>
    public async Task RedeliverAsync(Actor actor, Guid deliveryId, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, DateTime.UtcNow), ct);
        if (changed == 0) throw new PortalValidationException("Only a failed delivery is sent again.");
        // An Administrator's decision to send again is audited (the dispatcher's own attempts are the delivery log).
        db.Audit(actor.AuditName, "webhook-delivery.requeued", EntityKinds.WebhookSubscription, deliveryId.ToString());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Scheme, host and port only: some services put their secret in the URL's path or query.</summary>
    private static string Redacted(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}/…" : "…";

    private static (string Name, string Url, List<string> Events) Check(WebhookInput input)
    {
        var name = (input.Name ?? "").Trim();
        if (name.Length == 0) throw new PortalValidationException($"Give the webhook a name (at most {InputLimits.Name} characters).");
        InputLimits.Text(name, "The webhook's name", InputLimits.Name);
        var url = (input.Url ?? "").Trim();
        InputLimits.Text(url, "The webhook's URL", InputLimits.Reason);
        InputLimits.List(input.Events, "The events", InputLimits.ListItems, InputLimits.ShortName);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new PortalValidationException($"'{url}' is not an http or https address.");
        var events = (input.Events ?? []).Distinct().ToList();
        if (events.Count == 0) throw new PortalValidationException("Choose at least one event.");
        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0) throw new PortalValidationException($"Unknown event(s) {string.Join(", ", unknown)}: events are {string.Join(", ", WebhookEvents.All)}.");
        return (name, url, [.. WebhookEvents.All.Where(events.Contains)]);
    }
}
