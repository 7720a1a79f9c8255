using System.Security.Cryptography;

namespace MlopsPortal.Testing;

/// <summary>RFC 6238 codes (SHA-1, 30 s, 6 digits) as an authenticator app computes them, for tests.</summary>
public static class Totp
{
    private static readonly Dictionary<string, long> LastIssued = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// With a time: the code of that moment. Without: a code the portal has not seen yet, as a person would wait for
    /// the app's next code. The portal accepts each 30-second step once and up to two steps ahead
    /// (PortalAuthenticatorTokenProvider), so a second sign-in in the same step gets the next step's code, and a
    /// fourth waits until the clock catches up.
    /// </summary>
    public static string Code(string base32Key, DateTimeOffset? at = null)
    {
        var key = Base32Decode(base32Key.Replace(" ", "").ToUpperInvariant());
        if (at is { } moment)
            return CodeAt(key, moment.ToUnixTimeSeconds() / 30);
        while (true)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            lock (Gate)
            {
                var step = LastIssued.TryGetValue(base32Key, out var last) ? Math.Max(now, last + 1) : now;
                if (step <= now + 2)
                {
                    LastIssued[base32Key] = step;
                    return CodeAt(key, step);
                }
            }
            Thread.Sleep(TimeSpan.FromSeconds(1));
        }
    }

    private static string CodeAt(byte[] key, long counter)
    {
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(message);
        var hash = HMACSHA1.HashData(key, message);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6");
    }

    private static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in input.TrimEnd('='))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
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
