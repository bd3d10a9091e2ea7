using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ToolCatalog.Api;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Requests per second one client address may make without an API key (token bucket; 0 = no limit). Requests with a
    /// valid key are not counted here: they have their own write budget per key.
    /// </summary>
    [Range(0, 1_000_000)]
    public int AnonymousRequestsPerSecond { get; set; }

    /// <summary>Bucket size: how many anonymous requests a client may send at once before the rate applies (0 = twice the rate).</summary>
    [Range(0, 10_000_000)]
    public int AnonymousBurst { get; set; }
}

/// <summary>
/// The per-key write budget and the per-address anonymous budget. A rejection is a 429 problem with <c>Retry-After</c>
/// (whole seconds until the bucket has a token again), so a well-behaved client knows when to come back.
/// </summary>
public static class RateLimits
{
    public const string WritePolicy = "writes-per-key";

    public static IHostApplicationBuilder AddCatalogRateLimits(this IHostApplicationBuilder builder, int writesPerSecond)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var anonymous = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;
            options.AddPolicy(WritePolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.Name) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => Bucket(writesPerSecond, writesPerSecond)));
            if (anonymous.AnonymousRequestsPerSecond > 0)
            {
                var burst = anonymous.AnonymousBurst > 0 ? anonymous.AnonymousBurst : 2 * anonymous.AnonymousRequestsPerSecond;
                options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.User.Identity?.IsAuthenticated == true || IsProbe(context.Request.Path)
                        ? RateLimitPartition.GetNoLimiter("")
                        : RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                            _ => Bucket(burst, anonymous.AnonymousRequestsPerSecond)));
            }
        });
        return builder;
    }

    private static TokenBucketRateLimiterOptions Bucket(int size, int perSecond) => new()
    {
        TokenLimit = size,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    };

    /// <summary>Health probes come from the orchestrator, which must never be throttled into restarting a replica.</summary>
    private static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"This client has used its request budget; retry in {seconds} s.");
    }
}
