using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Components.Layout;

public sealed record NavItem(string Title, string Path, string Icon, string Policy, string Group);

/// <summary>The navigation, one entry per page. Each entry shows only to the roles its policy allows.</summary>
public static class PortalNavigation
{
    public static readonly IReadOnlyList<NavItem> Items =
    [
        new("Home", "/", "home", Policies.SignedIn, "Portal"),
        new("Portfolio", "/portfolio", "monitoring", Policies.SignedIn, "Portal"),
        new("Models", "/models", "model_training", Policies.SignedIn, "Registry"),
        new("Datasets", "/datasets", "dataset", Policies.SignedIn, "Registry"),
        new("Jobs", "/jobs", "schedule", Policies.SignedIn, "Operations"),
        new("Workers", "/workers", "dns", Policies.SignedIn, "Operations"),
        new("Drift alerts", "/alerts", "notification_important", Policies.SignedIn, "Operations"),
        new("Approvals", "/approvals", "approval", Policies.SignedIn, "Governance"),
        new("Approval policy", "/approval-policy", "rule", Policies.SignedIn, "Governance"),
        new("Fairness policy", "/fairness-policy", "balance", Policies.SignedIn, "Governance"),
        new("Audit trail", "/audit", "verified_user", Policies.ReadAuditTrail, "Governance"),
        new("Reports", "/reports", "picture_as_pdf", Policies.ReadReports, "Governance"),
        new("Users and roles", "/admin/users", "manage_accounts", Policies.ManageUsers, "Administration"),
        new("E-mail", "/admin/notifications", "mail", Policies.ManageNotifications, "Administration"),
        new("Webhooks", "/admin/webhooks", "webhook", Policies.ManageNotifications, "Administration"),
        new("Notifications", "/notifications", "notifications", Policies.SignedIn, "My account"),
        new("Out of office", "/account/delegation", "event_busy", Policies.SignOff, "My account"),
        new("API tokens", "/account/tokens", "key", Policies.ManageOwnTokens, "My account"),
        new("Security settings", "/Account/Manage", "lock", Policies.SignedIn, "My account"),
    ];
}
