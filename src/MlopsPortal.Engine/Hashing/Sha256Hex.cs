using System.Security.Cryptography;
using System.Text;

namespace MlopsPortal.Engine.Hashing;

/// <summary>SHA-256 as lowercase hex, the one hash format of the product (contracts §3).</summary>
public static class Sha256Hex
{
    public const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken ct = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));

    public static bool IsValid(string? hex) =>
        hex is { Length: 64 } && hex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
