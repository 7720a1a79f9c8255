using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Components.Layout;

public sealed record NavItem(string Title, string Path, string Icon, string Policy, string Group);

/// <summary>The navigation, one entry per page. Each entry shows only to the roles its policy allows.</summary>
public static class PortalNavigation
{
    public static readonly IReadOnlyList<NavItem> Items =
    [
        new("Home", "/", "home", Policies.SignedIn, "Portal"),
        new("Models", "/models", "model_training", Policies.SignedIn, "Registry"),
        new("Datasets", "/datasets", "dataset", Policies.SignedIn, "Registry"),
        new("Jobs", "/jobs", "schedule", Policies.SignedIn, "Operations"),
        new("Workers", "/workers", "dns", Policies.SignedIn, "Operations"),
        new("Audit trail", "/audit", "verified_user", Policies.ReadAuditTrail, "Governance"),
        new("Users and roles", "/admin/users", "manage_accounts", Policies.ManageUsers, "Administration"),
        new("API tokens", "/account/tokens", "key", Policies.ManageOwnTokens, "My account"),
        new("Security settings", "/Account/Manage", "lock", Policies.SignedIn, "My account"),
    ];
}
