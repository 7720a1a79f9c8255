namespace MlopsPortal.Core.Notifications;

/// <summary>Where an e-mail copy of a notification stands.</summary>
public enum EmailStatus { None, Pending, Sent, Failed }

/// <summary>
/// A message for one user, shown in the portal and (when SMTP is configured and the user has an address) sent
/// by e-mail. Written in the transaction of the event it tells about; the event itself is what is audited.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>request-due, request-expiring, request-approved, request-rejected, request-expired, stage-changed, …</summary>
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>A portal path to open (/approvals/…).</summary>
    public string? Link { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public string? EmailTo { get; set; }
    public EmailStatus EmailStatus { get; set; }
    public int EmailAttempts { get; set; }
    public DateTime? EmailNextAttemptAt { get; set; }
    public DateTime? EmailSentAt { get; set; }
    public string? EmailError { get; set; }
    /// <summary>A dispatcher holds the message until then (several nodes never send the same message twice at once).</summary>
    public DateTime? LockedUntil { get; set; }
}

/// <summary>How the portal reaches its mail server; one row, edited by Administrators (the password is encrypted).</summary>
public sealed class SmtpSettings
{
    public int Id { get; set; } = 1;
    public bool Enabled { get; set; }
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    /// <summary>"none", "starttls" or "tls".</summary>
    public string Security { get; set; } = "starttls";
    public string? UserName { get; set; }
    /// <summary>Encrypted with the portal's data-protection keys; never shown or audited.</summary>
    public string? ProtectedPassword { get; set; }
    public string FromAddress { get; set; } = "";
    public string FromName { get; set; } = "MLOps Governance Portal";
    /// <summary>The portal's public address, for links in e-mails (https://mlops.example.com).</summary>
    public string? PortalUrl { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An outgoing webhook: events POSTed as JSON to a URL, signed with the subscription's secret.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    /// <summary>The HMAC secret, encrypted with the portal's data-protection keys.</summary>
    public string ProtectedSecret { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>One event for one subscription: written with the event, delivered and retried by the dispatcher.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public string Event { get; set; } = "";
    /// <summary>The exact JSON body that is signed and sent (the same on every attempt).</summary>
    public string Body { get; set; } = "";
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LockedUntil { get; set; }
}

/// <summary>One try of a delivery, for the delivery log.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public double DurationMs { get; set; }
}

/// <summary>The events a webhook can subscribe to.</summary>
public static class WebhookEvents
{
    public const string RequestCreated = "request.created";
    public const string RequestSigned = "request.signed";
    public const string RequestApproved = "request.approved";
    public const string RequestRejected = "request.rejected";
    public const string RequestExpired = "request.expired";
    public const string StageChanged = "stage.changed";
    public const string DriftAlertRaised = "drift.alert-raised";

    public static readonly IReadOnlyList<string> All =
        [RequestCreated, RequestSigned, RequestApproved, RequestRejected, RequestExpired, StageChanged, DriftAlertRaised];
}
