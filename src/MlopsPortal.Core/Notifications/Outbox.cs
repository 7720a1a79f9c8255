using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.Notifications;

/// <summary>A user a notification goes to.</summary>
public sealed record Recipient(string UserId, string UserName, string? Email);

/// <summary>
/// Notifications and webhook events are written into the transaction of the change they tell about
/// (an outbox): when the change commits they exist, when it rolls back they never did. The dispatcher
/// sends them afterwards and retries what fails.
/// </summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task NotifyAsync(PortalDbContext db, IEnumerable<Recipient> recipients, string kind, string title, string body, string? link, CancellationToken ct)
    {
        var smtp = await db.SmtpSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        var emailOn = smtp is { Enabled: true };
        var now = AuditChain.Now();
        // The columns hold 300 and 4,000 characters; a long justification or comment is cut, the full text stays on the request.
        title = title.Length > 300 ? title[..299] + "…" : title;
        body = body.Length > 4000 ? body[..3999] + "…" : body;
        foreach (var r in recipients.DistinctBy(r => r.UserId))
        {
            var email = emailOn && !string.IsNullOrWhiteSpace(r.Email);
            db.Notifications.Add(new Notification
            {
                Id = Guid.NewGuid(), UserId = r.UserId, UserName = r.UserName, Kind = kind, Title = title, Body = body, Link = link,
                CreatedAt = now, EmailTo = email ? r.Email : null,
                EmailStatus = email ? EmailStatus.Pending : EmailStatus.None, EmailNextAttemptAt = email ? now : null,
            });
        }
    }

    /// <summary>The notifications that ask someone to act on a request: they close when the request is decided.</summary>
    public static readonly IReadOnlySet<string> ActionKinds = new HashSet<string> { "request-due", "request-expiring" };

    /// <summary>
    /// Marks read every "your sign-off is due" (and reminder) notification about <paramref name="link"/>, in the transaction
    /// that decides the request: nobody is asked to act on something already decided.
    /// </summary>
    public static Task<int> ResolveAsync(PortalDbContext db, string link, CancellationToken ct)
    {
        var now = AuditChain.Now();
        return db.Notifications.Where(n => n.Link == link && n.ReadAt == null && (n.Kind == "request-due" || n.Kind == "request-expiring"))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    /// <summary>Queues the event for every enabled webhook that subscribes to it.</summary>
    public static async Task PublishAsync(PortalDbContext db, string eventType, object data, CancellationToken ct)
    {
        var subscriptions = (await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Enabled).ToListAsync(ct))
            .Where(s => s.Events.Contains(eventType)).ToList();
        var now = AuditChain.Now();
        foreach (var s in subscriptions)
        {
            var id = Guid.NewGuid();
            var body = JsonSerializer.Serialize(new { id, type = eventType, occurredAt = AuditChain.FormatTime(now), data }, Json);
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = id, SubscriptionId = s.Id, Event = eventType, Body = body, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
            });
        }
    }

    /// <summary>Active users holding any of the roles.</summary>
    public static async Task<List<Recipient>> UsersInRolesAsync(PortalDbContext db, IEnumerable<string> roles, CancellationToken ct)
    {
        var names = roles.Select(r => r.ToUpperInvariant()).ToList();
        var now = DateTimeOffset.UtcNow;
        var rows = await (from ur in db.UserRoles
                          join role in db.Roles on ur.RoleId equals role.Id
                          join u in db.Users on ur.UserId equals u.Id
                          where names.Contains(role.NormalizedName!)
                          select new { u.Id, u.UserName, u.Email, u.LockoutEnd }).AsNoTracking().ToListAsync(ct);
        return rows.Where(u => u.LockoutEnd is null || u.LockoutEnd < now)
            .Select(u => new Recipient(u.Id, u.UserName!, u.Email)).DistinctBy(u => u.UserId).ToList();
    }

    public static async Task<List<Recipient>> UsersNamedAsync(PortalDbContext db, IEnumerable<string> userNames, CancellationToken ct)
    {
        var normalized = userNames.Select(n => n.ToUpperInvariant()).ToList();
        return (await db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedUserName!))
            .Select(u => new { u.Id, u.UserName, u.Email }).ToListAsync(ct))
            .Select(u => new Recipient(u.Id, u.UserName!, u.Email)).ToList();
    }
}
