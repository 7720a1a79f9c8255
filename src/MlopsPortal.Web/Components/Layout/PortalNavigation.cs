using MlopsPortal.Core.Security;
using MudBlazor;

namespace MlopsPortal.Web.Components.Layout;

public sealed record NavItem(string Title, string Path, string Icon, string Policy, string Group);

/// <summary>The navigation, grouped by purpose, one entry per page. Each entry shows only to the roles its policy allows.</summary>
public static class PortalNavigation
{
    /// <summary>The group shown without a heading, first.</summary>
    public const string TopGroup = "Overview";

    public static readonly IReadOnlyList<NavItem> Items =
    [
        new("Home", "/", Icons.Material.Filled.Home, Policies.SignedIn, TopGroup),
        new("Portfolio", "/portfolio", Icons.Material.Filled.Insights, Policies.SignedIn, TopGroup),
        new("Models", "/models", Icons.Material.Filled.ModelTraining, Policies.SignedIn, "Registry"),
        new("Datasets", "/datasets", Icons.Material.Filled.Dataset, Policies.SignedIn, "Registry"),
        new("Drift alerts", "/alerts", Icons.Material.Filled.NotificationImportant, Policies.SignedIn, "Monitoring"),
        new("Jobs", "/jobs", Icons.Material.Filled.Schedule, Policies.SignedIn, "Monitoring"),
        new("Workers", "/workers", Icons.Material.Filled.Dns, Policies.SignedIn, "Monitoring"),
        new("Approvals", "/approvals", Icons.Material.Filled.Approval, Policies.SignedIn, "Governance"),
        new("Approval policy", "/approval-policy", Icons.Material.Filled.Rule, Policies.SignedIn, "Governance"),
        new("Fairness policy", "/fairness-policy", Icons.Material.Filled.Balance, Policies.SignedIn, "Governance"),
        new("Audit trail", "/audit", Icons.Material.Filled.VerifiedUser, Policies.ReadAuditTrail, "Governance"),
        new("Reports", "/reports", Icons.Material.Filled.PictureAsPdf, Policies.ReadReports, "Governance"),
        new("Users and roles", "/admin/users", Icons.Material.Filled.ManageAccounts, Policies.ManageUsers, "Administration"),
        new("E-mail", "/admin/notifications", Icons.Material.Filled.Mail, Policies.ManageNotifications, "Administration"),
        new("Webhooks", "/admin/webhooks", Icons.Material.Filled.Webhook, Policies.ManageNotifications, "Administration"),
        new("Notifications", "/notifications", Icons.Material.Filled.Notifications, Policies.SignedIn, "My account"),
        new("Out of office", "/account/delegation", Icons.Material.Filled.EventBusy, Policies.SignOff, "My account"),
        new("API tokens", "/account/tokens", Icons.Material.Filled.Key, Policies.ManageOwnTokens, "My account"),
        new("Security settings", "/Account/Manage", Icons.Material.Filled.Lock, Policies.SignedIn, "My account"),
    ];
}
