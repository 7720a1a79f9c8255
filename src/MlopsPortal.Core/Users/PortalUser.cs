using Microsoft.AspNetCore.Identity;

namespace MlopsPortal.Core.Users;

public sealed class PortalUser : IdentityUser
{
    [PersonalData]
    public string DisplayName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSignInAt { get; set; }
}
