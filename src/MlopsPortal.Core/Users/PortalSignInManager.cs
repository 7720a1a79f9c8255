using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MlopsPortal.Core.Users;

/// <summary>
/// Identity's sign-in, with an unknown account refused exactly like a known one given the wrong password: a password
/// hash is checked (the same work, so the same time) and it locks out after the same number of failures, so neither
/// the time taken nor the lockout page tells an attacker which accounts exist.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<PortalUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<PortalUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation, UnknownAccountLockout unknownAccounts)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static readonly PortalUser Decoy = new() { UserName = "decoy" };
    private static string? _decoyHash;

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user)
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        // A locked account is refused before its password is checked; so is a "locked" unknown one.
        if (lockoutOnFailure && unknownAccounts.IsLockedOut(userName))
            return SignInResult.LockedOut;
        _decoyHash ??= UserManager.PasswordHasher.HashPassword(Decoy, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        UserManager.PasswordHasher.VerifyHashedPassword(Decoy, _decoyHash, password);
        return lockoutOnFailure && unknownAccounts.RecordFailure(userName) ? SignInResult.LockedOut : SignInResult.Failed;
    }
}

/// <summary>
/// Failed sign-ins per unknown user name, held in memory (bounded) so that unknown names lock out like real accounts.
/// Per process: behind a load balancer an attacker spreads attempts over the nodes, which real accounts (counted in
/// the database) do not allow; docs/operations.md says so.
/// </summary>
public sealed class UnknownAccountLockout(IOptions<IdentityOptions> options) : IDisposable
{
    private readonly MemoryCache _failures = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly Lock _lock = new();

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset? LockedUntil;
    }

    public bool IsLockedOut(string userName) =>
        _failures.TryGetValue(Key(userName), out Failures? f) && f!.LockedUntil > DateTimeOffset.UtcNow;

    /// <summary>Counts a failure; true when this one locks the name out (as Identity's AccessFailedAsync does).</summary>
    public bool RecordFailure(string userName)
    {
        var lockout = options.Value.Lockout;
        lock (_lock)
        {
            var key = Key(userName);
            if (!_failures.TryGetValue(key, out Failures? f) || f!.LockedUntil <= DateTimeOffset.UtcNow)
                f = new Failures();
            if (++f.Count < lockout.MaxFailedAccessAttempts)
            {
                _failures.Set(key, f, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = lockout.DefaultLockoutTimeSpan });
                return false;
            }
            f.LockedUntil = DateTimeOffset.UtcNow + lockout.DefaultLockoutTimeSpan;
            _failures.Set(key, f, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = f.LockedUntil });
            return true;
        }
    }

    private static string Key(string userName) => userName.Trim().ToUpperInvariant();

    public void Dispose() => _failures.Dispose();
}
