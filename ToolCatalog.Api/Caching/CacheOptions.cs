using System.ComponentModel.DataAnnotations;

namespace ToolCatalog.Api.Caching;

public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>Prefix of every Redis key and channel: lets several catalogs (or test runs) share one Redis.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_.-]{0,40}$")]
    public string Prefix { get; set; } = "toolcatalog";

    /// <summary>L1 budget in bytes (default 256 MiB: 10,000 tools at ~10 KiB each plus list and search pages).</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long L1SizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long entries live in Redis.</summary>
    public TimeSpan L2Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long entries live in memory while the invalidation bus is connected.</summary>
    public TimeSpan L1Expiration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>L1 lifetime while Redis (and so the invalidation bus) is unreachable: bounds staleness.</summary>
    public TimeSpan DisconnectedL1Expiration { get; set; } = TimeSpan.FromSeconds(5);
}
