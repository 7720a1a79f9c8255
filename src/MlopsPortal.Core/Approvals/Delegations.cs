using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;

namespace MlopsPortal.Core.Approvals;

/// <summary>
/// Out-of-office delegation: a signer names a delegate for a period; the delegate signs in their name and role.
/// </summary>
public sealed class Delegations(IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users)
{
    /// <summary>The people who may sign approval requests (a delegate must be one), by display name.</summary>
    public async Task<IReadOnlyList<(string UserName, string DisplayName)>> SignersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var signers = await Outbox.UsersInRolesAsync(db, SignOffService.SignRoles, ct);
        var names = signers.Select(r => r.UserName).ToList();
        var display = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName!)).ToDictionaryAsync(u => u.UserName!, u => u.DisplayName, ct);
        return signers.Select(r => (r.UserName, display.GetValueOrDefault(r.UserName) is { Length: > 0 } d ? d : r.UserName)).OrderBy(p => p.Item2).ToList();
    }

    public async Task<Delegation> DelegateAsync(Actor actor, string toUserName, DateTime startsAt, DateTime endsAt, string reason, CancellationToken ct = default)
    {
        if (actor.UserId is null) throw new PortalForbiddenException("Only a signed-in person names a delegate.");
        actor.Require(SignOffService.SignRoles);
        var why = InputLimits.Required(reason, "reason", InputLimits.Summary);
        startsAt = DateTime.SpecifyKind(startsAt, DateTimeKind.Utc);
        endsAt = DateTime.SpecifyKind(endsAt, DateTimeKind.Utc);
        if (endsAt <= startsAt) throw new PortalValidationException("The period must end after it starts.");
        if (endsAt <= DateTime.UtcNow) throw new PortalValidationException("The period is already over.");
        if (endsAt - startsAt > TimeSpan.FromDays(90)) throw new PortalValidationException("A delegation lasts at most 90 days.");
        var to = await users.FindByNameAsync((toUserName ?? "").Trim()) ?? throw new PortalValidationException($"No user named '{toUserName}'.");
        if (to.Id == actor.UserId) throw new PortalValidationException("Name someone else as your delegate.");
        if (!(await users.GetRolesAsync(to)).Any(SignOffService.SignRoles.Contains))
            throw new PortalValidationException($"{to.UserName} holds no role that signs approval requests: a delegate must be able to sign.");
        if (await users.IsLockedOutAsync(to)) throw new PortalValidationException($"{to.UserName}'s account is locked.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = new Delegation
        {
            Id = Guid.NewGuid(), FromUserId = actor.UserId, FromUserName = actor.Name, ToUserId = to.Id, ToUserName = to.UserName!,
            StartsAt = startsAt, EndsAt = endsAt, Reason = why, CreatedAt = AuditChain.Now(),
        };
        db.Delegations.Add(d);
        db.Audit(actor.AuditName, "delegation.created", EntityKinds.Delegation, d.Id.ToString(), new
        {
            to = d.ToUserName, startsAt = AuditChain.FormatTime(startsAt), endsAt = AuditChain.FormatTime(endsAt), reason = why,
        });
        await Outbox.NotifyAsync(db, [new Recipient(to.Id, to.UserName!, to.Email)], "delegation",
            $"{actor.Name} named you their delegate",
            $"From {startsAt:yyyy-MM-dd HH:mm} to {endsAt:yyyy-MM-dd HH:mm} UTC you may sign approval requests in their stead ({why}).", "/approvals", ct);
        await db.SaveChangesAsync(ct);
        return d;
    }

    public async Task RevokeDelegationAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.Delegations.SingleOrDefaultAsync(x => x.Id == id, ct) ?? throw new PortalNotFoundException($"No delegation {id}.");
        if (!actor.IsSystem && d.FromUserId != actor.UserId && !actor.IsInRole(Roles.Administrator))
            throw new PortalForbiddenException("Only the person who named the delegate (or an Administrator) ends a delegation.");
        if (d.RevokedAt is not null) return;
        d.RevokedAt = AuditChain.Now();
        db.Audit(actor.AuditName, "delegation.revoked", EntityKinds.Delegation, d.Id.ToString(), new { from = d.FromUserName, to = d.ToUserName });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Delegations the user gave and received that have not ended.</summary>
    public async Task<IReadOnlyList<Delegation>> DelegationsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        return await db.Delegations.AsNoTracking()
            .Where(d => (d.FromUserId == actor.UserId || d.ToUserId == actor.UserId) && d.RevokedAt == null && d.EndsAt > now)
            .OrderBy(d => d.StartsAt).ToListAsync(ct);
    }
}
