namespace ToolCatalog.Api.Auth;

/// <summary>
/// API keys from configuration (<c>Auth:ApiKeys</c>). Only the SHA-256 of each key is configured, never the key,
/// so configuration and logs cannot leak one.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>When on, reads need a key too (any role).</summary>
    public bool RequireKeyForReads { get; set; }

    /// <summary>Writes per second allowed for one key (token bucket).</summary>
    public int WritesPerSecondPerKey { get; set; } = 200;
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Role { get; set; } = "read";
    public string Sha256 { get; set; } = "";
}

public static class CatalogRoles
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public const string WritePolicy = "catalog.write";
    public const string AdminPolicy = "catalog.admin";
    public const string ReadPolicy = "catalog.read";
}
