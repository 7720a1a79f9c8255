using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Users;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.ApiTokens;

public sealed record CreatedToken(ApiToken Token, string Secret);

/// <summary>
/// Personal API tokens: "mlp_" + 8 visible characters + "_" + 43 random base64url characters
/// (256 bits). Only SHA-256 of the whole token is stored: the secret is random, so a slow
/// password hash would add nothing but latency to every API call (docs/decisions/ADR-004).
/// </summary>
public sealed class ApiTokenService(PortalDbContext db)
{
    public const string Scheme = "mlp";
    public const int MaxLifetimeDays = 365;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedToken> CreateAsync(
        Actor actor, string userId, string name, int lifetimeDays, bool readOnly, CancellationToken ct = default)
    {
        if (actor.UserId != userId)
            actor.Require(Roles.Administrator);
        name = (name ?? "").Trim();
        if (name.Length == 0)
            throw new PortalValidationException($"Give the token a name of 1 to {InputLimits.ShortName} characters.");
        InputLimits.Text(name, "The token's name", InputLimits.ShortName);
        if (lifetimeDays is < 1 or > MaxLifetimeDays)
            throw new PortalValidationException($"A token lives 1 to {MaxLifetimeDays} days.");
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct)
                   ?? throw new PortalNotFoundException($"No user '{userId}'.");

        var visible = Base64Url(RandomNumberGenerator.GetBytes(6));
        var secret = $"{Scheme}_{visible}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = AuditChain.Now();
        var token = new ApiToken
        {
            Id = Guid.NewGuid().ToString(), UserId = user.Id, Name = name, Prefix = $"{Scheme}_{visible}",
            SecretHash = Sha256Hex.Of(secret), ReadOnly = readOnly, CreatedAt = now,
            ExpiresAt = now.AddDays(lifetimeDays),
        };
        db.ApiTokens.Add(token);
        db.Audit(actor.AuditName, "api-token.created", EntityKinds.ApiToken, token.Id,
            new { userId = user.Id, user.UserName, name, token.Prefix, readOnly, expiresAt = AuditChain.FormatTime(token.ExpiresAt) });
        await db.SaveChangesAsync(ct);
        return new CreatedToken(token, secret);
    }

    public async Task RevokeAsync(Actor actor, string tokenId, CancellationToken ct = default)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId || t.Prefix == tokenId, ct)
                    ?? throw new PortalNotFoundException($"No API token '{tokenId}'.");
        if (actor.UserId != token.UserId)
            actor.Require(Roles.Administrator);
        if (token.RevokedAt is not null)
            return;
        token.RevokedAt = AuditChain.Now();
        token.RevokedBy = actor.AuditName;
        db.Audit(actor.AuditName, "api-token.revoked", EntityKinds.ApiToken, token.Id,
            new { userId = token.UserId, token.Name, token.Prefix });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        if (actor.UserId != userId)
            actor.Require(Roles.Administrator);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
    }

    /// <summary>The active token and its user for a presented secret, or null. Records last use.</summary>
    public async Task<(ApiToken Token, PortalUser User)?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(Scheme + "_", StringComparison.Ordinal) || presented.Length > 200)
            return null;
        var hash = Sha256Hex.Of(presented);
        var found = await (from t in db.ApiTokens
                           join u in db.Users on t.UserId equals u.Id
                           where t.SecretHash == hash
                           select new { t, u }).SingleOrDefaultAsync(ct);
        var now = DateTime.UtcNow;
        if (found is null || !found.t.IsActive(now) || found.u.LockoutEnd > DateTimeOffset.UtcNow)
            return null;
        if (found.t.LastUsedAt is null || now - found.t.LastUsedAt > LastUsedResolution)
        {
            found.t.LastUsedAt = AuditChain.Now();
            await db.SaveChangesAsync(ct); // bookkeeping, not audited (like a failed-login counter)
        }
        return (found.t, found.u);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
