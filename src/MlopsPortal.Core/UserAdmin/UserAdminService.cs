using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core.UserAdmin;

public sealed record UserSummary(
    string Id, string UserName, string DisplayName, IReadOnlyList<string> Roles,
    bool LockedOut, DateTimeOffset? LockoutEnd, bool TwoFactorEnabled, DateTime CreatedAt, DateTime? LastSignInAt);

public enum GrantOutcome
{
    Granted,
    AlreadyHeld,
    PendingApproval,
}

public sealed record GrantResult(GrantOutcome Outcome, string? ApprovalRequestId = null);

/// <summary>
/// Administration of users and roles. Every change is audited in the same transaction, and the
/// segregation-of-duties rules (contracts §6) are enforced here, whatever the caller.
/// </summary>
public sealed class UserAdminService(PortalDbContext db, UserManager<PortalUser> users)
{
    public static readonly TimeSpan PrivilegedGrantExpiry = TimeSpan.FromDays(14);

    public async Task<IReadOnlyList<UserSummary>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roleRows = await (from ur in db.UserRoles
                              join r in db.Roles on ur.RoleId equals r.Id
                              select new { ur.UserId, r.Name }).ToListAsync(ct);
        var rolesByUser = roleRows.GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => g.Select(x => x.Name!).Order().ToList());
        var now = DateTimeOffset.UtcNow;
        return all.Select(u => new UserSummary(
            u.Id, u.UserName!, u.DisplayName, rolesByUser.GetValueOrDefault(u.Id) ?? [],
            u.LockoutEnd > now, u.LockoutEnd, u.TwoFactorEnabled, u.CreatedAt, u.LastSignInAt)).ToList();
    }

    /// <summary>Creates a user and returns the initial password (generated when none is given).</summary>
    public async Task<(PortalUser User, string Password, IReadOnlyList<GrantResult> Grants)> CreateAsync(
        Actor actor, string userName, string displayName, string? password, IEnumerable<string> roles, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        userName = userName.Trim();
        InputLimits.Text(userName, "The user name", InputLimits.Line);
        InputLimits.Text(displayName?.Trim(), "The display name", InputLimits.Name);
        if (string.IsNullOrWhiteSpace(userName) || !userName.Contains('@'))
            throw new PortalValidationException("The user name must be an email address.");
        var roleList = roles.Distinct().ToList();
        foreach (var role in roleList)
            if (!Roles.IsKnown(role))
                throw new PortalValidationException($"Unknown role '{role}'. Roles: {string.Join(", ", Roles.All)}.");
        if (await users.FindByNameAsync(userName) is not null)
            throw new PortalValidationException($"A user named '{userName}' already exists.");

        password ??= GeneratePassword();
        var user = new PortalUser
        {
            UserName = userName, Email = userName, EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim(),
            CreatedAt = AuditChain.Now(), LockoutEnabled = true,
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Audit(actor.AuditName, "user.created", EntityKinds.User, user.Id,
            new { userName, user.DisplayName, requestedRoles = roleList });
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new PortalValidationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        var grants = new List<GrantResult>();
        foreach (var role in roleList)
            grants.Add(await GrantInTransactionAsync(actor, user, role, ct));
        await tx.CommitAsync(ct);
        return (user, password, grants);
    }

    public async Task<GrantResult> GrantRoleAsync(Actor actor, string userId, string role, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var user = await FindAsync(userId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await GrantInTransactionAsync(actor, user, role, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private async Task<GrantResult> GrantInTransactionAsync(Actor actor, PortalUser user, string role, CancellationToken ct)
    {
        if (!Roles.IsKnown(role))
            throw new PortalValidationException($"Unknown role '{role}'.");
        if (actor.UserId == user.Id)
            throw new PortalForbiddenException("Nobody grants themselves a role.");
        if (await users.IsInRoleAsync(user, role))
            return new GrantResult(GrantOutcome.AlreadyHeld);

        if (Roles.Privileged.Contains(role) && await CountHoldersAsync(Roles.Administrator, ct) >= 2)
        {
            var existing = await db.ApprovalRequests.FirstOrDefaultAsync(r =>
                r.Kind == ApprovalKinds.RoleGrant && r.SubjectId == user.Id && r.Status == ApprovalStatus.Open
                && r.Payload == RoleGrantPayload(role), ct);
            if (existing is not null)
                return new GrantResult(GrantOutcome.PendingApproval, existing.Id);
            var now = AuditChain.Now();
            var request = new ApprovalRequest
            {
                Id = Guid.NewGuid().ToString(), Kind = ApprovalKinds.RoleGrant,
                SubjectType = EntityKinds.User, SubjectId = user.Id,
                Summary = $"Grant {role} to {user.UserName}", Payload = RoleGrantPayload(role),
                RequestedBy = actor.AuditName, RequestedByUserId = actor.UserId,
                RequestedAt = now, ExpiresAt = now + PrivilegedGrantExpiry, Status = ApprovalStatus.Open,
            };
            db.ApprovalRequests.Add(request);
            db.Audit(actor.AuditName, "role-grant.requested", EntityKinds.ApprovalRequest, request.Id,
                new { userId = user.Id, user.UserName, role, expiresAt = AuditChain.FormatTime(request.ExpiresAt) });
            await db.SaveChangesAsync(ct);
            return new GrantResult(GrantOutcome.PendingApproval, request.Id);
        }

        db.Audit(actor.AuditName, "role.granted", EntityKinds.User, user.Id, new { user.UserName, role });
        ThrowOnFailure(await users.AddToRoleAsync(user, role));
        return new GrantResult(GrantOutcome.Granted);
    }

    /// <summary>A second Administrator approves or rejects a pending privileged grant.</summary>
    public async Task DecideRoleGrantAsync(Actor actor, string requestId, bool approve, string? comment, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        InputLimits.Text(comment, "The comment", InputLimits.Prose);
        var request = await db.ApprovalRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.Kind == ApprovalKinds.RoleGrant, ct)
                      ?? throw new PortalNotFoundException($"No role-grant request '{requestId}'.");
        if (request.Status != ApprovalStatus.Open)
            throw new PortalValidationException($"The request is already {request.Status.ToString().ToLowerInvariant()}.");
        if (request.ExpiresAt <= DateTime.UtcNow)
            throw new PortalValidationException("The request has expired; ask for the grant again.");
        if (actor.AuditName == request.RequestedBy || (actor.UserId is not null && actor.UserId == request.RequestedByUserId))
            throw new PortalForbiddenException("A second Administrator must decide: you asked for this grant.");
        if (actor.UserId == request.SubjectId)
            throw new PortalForbiddenException("Nobody grants themselves a role.");

        var role = System.Text.Json.JsonDocument.Parse(request.Payload).RootElement.GetProperty("role").GetString()!;
        var user = await FindAsync(request.SubjectId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        request.Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected;
        request.DecidedBy = actor.AuditName;
        request.DecidedAt = AuditChain.Now();
        request.DecisionComment = comment;
        db.Audit(actor.AuditName, approve ? "role-grant.approved" : "role-grant.rejected", EntityKinds.ApprovalRequest,
            request.Id, new { userId = user.Id, user.UserName, role, comment });
        await db.SaveChangesAsync(ct);
        if (approve && !await users.IsInRoleAsync(user, role))
        {
            db.Audit(actor.AuditName, "role.granted", EntityKinds.User, user.Id,
                new { user.UserName, role, approvalRequestId = request.Id, requestedBy = request.RequestedBy });
            ThrowOnFailure(await users.AddToRoleAsync(user, role));
        }
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<ApprovalRequest>> PendingRoleGrantsAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        return await db.ApprovalRequests.AsNoTracking()
            .Where(r => r.Kind == ApprovalKinds.RoleGrant && r.Status == ApprovalStatus.Open)
            .OrderBy(r => r.RequestedAt).ToListAsync(ct);
    }

    public async Task RevokeRoleAsync(Actor actor, string userId, string role, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var user = await FindAsync(userId);
        if (!await users.IsInRoleAsync(user, role))
            return;
        if (role == Roles.Administrator && await CountHoldersAsync(Roles.Administrator, ct) <= 1)
            throw new PortalValidationException("This is the last Administrator: grant the role to someone else first.");
        db.Audit(actor.AuditName, "role.revoked", EntityKinds.User, user.Id, new { user.UserName, role });
        ThrowOnFailure(await users.RemoveFromRoleAsync(user, role));
        // Open sessions pick up the smaller set of roles at their next revalidation.
        await users.UpdateSecurityStampAsync(user);
    }

    public async Task LockAsync(Actor actor, string userId, string? reason, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        InputLimits.Text(reason, "The reason", InputLimits.Reason);
        var user = await FindAsync(userId);
        if (actor.UserId == user.Id)
            throw new PortalValidationException("You cannot lock your own account.");
        user.LockoutEnabled = true;
        db.Audit(actor.AuditName, "user.locked", EntityKinds.User, user.Id, new { user.UserName, reason });
        ThrowOnFailure(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
        // Ends the user's sessions at the next revalidation.
        await users.UpdateSecurityStampAsync(user);
    }

    public async Task UnlockAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var user = await FindAsync(userId);
        db.Audit(actor.AuditName, "user.unlocked", EntityKinds.User, user.Id, new { user.UserName });
        ThrowOnFailure(await users.SetLockoutEndDateAsync(user, null));
        await users.ResetAccessFailedCountAsync(user);
    }

    /// <summary>Sets a new generated password and returns it; the user's sessions end.</summary>
    public async Task<string> ResetPasswordAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        actor.Require(Roles.Administrator);
        var user = await FindAsync(userId);
        var password = GeneratePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        db.Audit(actor.AuditName, "user.password-reset", EntityKinds.User, user.Id, new { user.UserName });
        ThrowOnFailure(await users.ResetPasswordAsync(user, token, password));
        return password;
    }

    public async Task<PortalUser> FindAsync(string userIdOrName)
    {
        return await users.FindByIdAsync(userIdOrName)
               ?? await users.FindByNameAsync(userIdOrName)
               ?? throw new PortalNotFoundException($"No user '{userIdOrName}'.");
    }

    private async Task<int> CountHoldersAsync(string role, CancellationToken ct) =>
        await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == role select ur.UserId)
            .CountAsync(ct);

    private static string RoleGrantPayload(string role) => AuditChain.ToCanonicalPayload(new { role });

    private static void ThrowOnFailure(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new PortalValidationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>A random password that meets the policy: 20 characters from four classes.</summary>
    public static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "!#%+-=?@";
        var all = upper + lower + digits + symbols;
        var chars = new char[20];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
