using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace MlopsPortal.Core.Users;

/// <summary>
/// Authenticator (TOTP) codes as Identity checks them — RFC 6238, SHA-1, 30-second steps, 6 digits, two steps of clock
/// drift either way — but each step is accepted once per user: the last accepted step is kept in Identity's user
/// tokens table (no migration), and a code of that step or an earlier one is refused. Identity's own provider accepts a
/// code again for its whole window, so an observed code could sign in a second time. Used by every check of a code:
/// the two-factor sign-in, the authenticator set-up and the step-up before a sign-off. Written by hand because
/// Identity's TOTP and Base32 helpers are internal.
/// </summary>
public sealed class PortalAuthenticatorTokenProvider : AuthenticatorTokenProvider<PortalUser>
{
    public const string LoginProvider = "[MlopsPortal]";
    public const string LastStepName = "LastAuthenticatorTimeStep";
    private const int DriftSteps = 2;

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalUser> manager, PortalUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != 6 || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            return false;
        var secret = Base32Decode(key);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        long? matched = null;
        for (var step = now - DriftSteps; step <= now + DriftSteps; step++)
            if (Code(secret, step) == code)
                matched = step;
        if (matched is not { } accepted)
            return false;
        var last = await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && accepted <= lastStep)
            return false;
        // Two checks of one code at the same moment: the user row's concurrency stamp lets only one of them save.
        var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, accepted.ToString(CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }

    private static int Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return binary % 1_000_000;
    }

    private static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(input.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in input.Trim().TrimEnd('=').ToUpperInvariant())
        {
            var value = alphabet.IndexOf(c);
            if (value < 0) continue;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
