using System.Security.Claims;

namespace MlopsPortal.Core.Security;

/// <summary>
/// Who is acting, passed explicitly into every service that changes state. Services check roles
/// again (authorize twice: the page or endpoint policy, then the service rule).
/// </summary>
public sealed record Actor(string? UserId, string Name, IReadOnlySet<string> Roles, bool IsSystem)
{
    /// <summary>The audit trail's actor string: user:NAME, cli:OS-USER or job:KEY (contracts §1).</summary>
    public string AuditName => IsSystem ? Name : $"user:{Name}";

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsInAnyRole(params string[] roles) => roles.Any(Roles.Contains);

    public static Actor FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
            throw new PortalForbiddenException("Sign in first.");
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)
                 ?? throw new PortalForbiddenException("The signed-in identity has no user id.");
        var name = principal.Identity.Name ?? id;
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet();
        return new Actor(id, name, roles, IsSystem: false);
    }

    /// <summary>The command line, run by someone with access to the database: acts as the system.</summary>
    public static Actor Cli() => new(null, $"cli:{Environment.UserName}", new HashSet<string>(), IsSystem: true);

    public static Actor Job(string jobKey) => new(null, $"job:{jobKey}", new HashSet<string>(), IsSystem: true);

    /// <summary>Throws unless the actor is the system or holds one of the roles.</summary>
    public void Require(params string[] roles)
    {
        if (IsSystem || IsInAnyRole(roles)) return;
        throw new PortalForbiddenException($"This needs one of the roles: {string.Join(", ", roles)}.");
    }
}

/// <summary>The actor may not do this. Endpoints map it to 403 problem details.</summary>
public sealed class PortalForbiddenException(string message) : Exception(message);

/// <summary>The request is invalid (bad input, a broken rule). Endpoints map it to 400 / exit code 1.</summary>
public sealed class PortalValidationException(string message) : Exception(message);

/// <summary>The thing asked for does not exist. Endpoints map it to 404.</summary>
public sealed class PortalNotFoundException(string message) : Exception(message);
