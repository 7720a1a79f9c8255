namespace MlopsPortal.Core.ApiTokens;

/// <summary>A personal API token. Only the SHA-256 of the secret is stored (see ApiTokenService).</summary>
public sealed class ApiToken
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The visible start of the token ("mlp_ab12cd34"), to recognise it in lists.</summary>
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public bool ReadOnly { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    public bool IsActive(DateTime now) => RevokedAt is null && ExpiresAt > now;
}
