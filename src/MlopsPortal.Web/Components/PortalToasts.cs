using Radzen;

namespace MlopsPortal.Web.Components;

// Transitional: used by pages not yet on MudBlazor; deleted when the migration ends.

/// <summary>
/// The toast every action ends with (success or failure), beside the page's own inline message, which stays for reading.
/// Pages write <c>(message, messageIsError) = Toasts.Show(text, isError)</c>.
/// </summary>
public sealed class PortalToasts(NotificationService notifications)
{
    public (string Message, bool IsError) Show(string message, bool isError)
    {
        notifications.Notify(new NotificationMessage
        {
            Severity = isError ? NotificationSeverity.Error : NotificationSeverity.Success,
            Summary = isError ? "Not done" : "Done", Detail = message, Duration = isError ? 8000 : 4000,
        });
        return (message, isError);
    }
}
