using System.Security.Claims;
using System.Threading.RateLimiting;

namespace ToolCatalog.Api;

/// <summary>The rate-limit policies endpoints name, and their setup.</summary>
public static class RateLimits
{
    /// <summary>Writes per second per API key (per client address without one): a token bucket, no queue.</summary>
    public const string Writes = "writes-per-key";

    public static IServiceCollection AddCatalogRateLimits(this IServiceCollection services, int writesPerSecond) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Writes, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.Name) ?? context.Connection.RemoteIpAddress?.ToString() ?? Actor.Anonymous,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = writesPerSecond,
                    TokensPerPeriod = writesPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
}
