namespace MlopsPortal.Core.Notifications;

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
