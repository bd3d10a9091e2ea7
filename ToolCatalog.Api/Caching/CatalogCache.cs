using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Caching;

/// <summary>
/// The catalog's use of HybridCache (L1 in memory, L2 Redis). Keys carry a schema version and the revision their content
/// belongs to, so an entry never needs rewriting: a change makes new keys, and the replica sync drops the old ones
/// from memory. A deployment with a new response shape bumps <see cref="SchemaVersion"/> and never reads old entries.
/// Only what costs a database round trip is cached (version lists, use-case searches): tool reads and list pages are
/// written from the served snapshot, which is cheaper than a lookup and never needs invalidating.
/// </summary>
public sealed class CatalogCache(HybridCache cache, IMemoryCache memory, IOptions<CacheOptions> options, BusConnectivity connectivity,
    IMeterFactory meters)
{
    public const string SchemaVersion = "s1";
    private const string AllTag = "all";

    private readonly Counter<long> _requests = meters.Create("ToolCatalog.Cache").CreateCounter<long>("toolcatalog.cache.requests",
        description: "Cache lookups by entry kind and result: l1_hit (memory), l2_hit (Redis), miss (built from the snapshot or database)");

    private long _l1Hits;
    private long _l2Hits;
    private long _misses;

    /// <summary>Totals since start, for the JSON metrics summary.</summary>
    public (long L1Hits, long L2Hits, long Misses) Totals => (Interlocked.Read(ref _l1Hits), Interlocked.Read(ref _l2Hits), Interlocked.Read(ref _misses));

    /// <summary>L1 entries and estimated bytes (the memory cache tracks statistics for this).</summary>
    public (long Entries, long Bytes) L1Size => memory.GetCurrentStatistics() is { } stats ? (stats.CurrentEntryCount, stats.CurrentEstimatedSize ?? 0) : (0, 0);

    private string Prefix => options.Value.Prefix;

    /// <summary>An entry for a query over content identified by <paramref name="contentVersion"/> (a snapshot's content key, a tool's last change).</summary>
    public string QueryKey(string kind, string contentVersion, string normalizedQuery) => $"{Prefix}:{SchemaVersion}:{kind}:{contentVersion}:{normalizedQuery}";

    public static string ToolTag(string name) => "tool:" + name;

    /// <summary>Gets or builds an entry; <paramref name="kind"/> labels metrics (tool, version, list, search).</summary>
    public async ValueTask<CachedResponse> GetOrCreateAsync<TState>(string kind, string key, TState state,
        Func<TState, CancellationToken, ValueTask<CachedResponse>> build, string? tag, CancellationToken cancellationToken)
    {
        // HybridCache keeps its L1 in the shared IMemoryCache under the same key: looking first tells L1 from L2 hits.
        var inMemory = memory.TryGetValue(key, out _);
        var built = false;
        var entry = await cache.GetOrCreateAsync(key, (state, build), async (s, ct) =>
        {
            built = true;
            return await s.build(s.state, ct);
        }, EntryOptions(), tag is null ? [AllTag] : [AllTag, tag], cancellationToken);
        var result = built ? "miss" : inMemory ? "l1_hit" : "l2_hit";
        Interlocked.Increment(ref built ? ref _misses : ref inMemory ? ref _l1Hits : ref _l2Hits);
        _requests.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", result));
        return entry;
    }

    /// <summary>
    /// Drops every entry of the named tools from this process's memory (and from Redis). Best effort: keys carry the
    /// revision of their content, so an entry that survives is never served for a newer version — removal only frees
    /// memory. A Redis outage must therefore not fail the write or the catch-up that calls this.
    /// </summary>
    public async Task RemoveToolsAsync(IEnumerable<string> names, CancellationToken cancellationToken) =>
        await BestEffortAsync(() => cache.RemoveByTagAsync(names.Select(ToolTag), cancellationToken));

    /// <summary>Forgets everything this process holds: after a reconnect nobody knows what was missed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await BestEffortAsync(() => cache.RemoveByTagAsync(AllTag, cancellationToken));

    private static async Task BestEffortAsync(Func<ValueTask> remove)
    {
        try
        {
            await remove();
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            // Tag invalidation records a timestamp in L2; with Redis away that write fails after L1 was handled.
        }
    }

    private static bool IsRedisFailure(Exception ex) =>
        ex is StackExchange.Redis.RedisException or TimeoutException || (ex.InnerException is { } inner && IsRedisFailure(inner));

    private HybridCacheEntryOptions EntryOptions() => connectivity.IsConnected
        ? new HybridCacheEntryOptions { Expiration = options.Value.L2Expiration, LocalCacheExpiration = options.Value.L1Expiration }
        : new HybridCacheEntryOptions
        {
            Expiration = options.Value.L2Expiration,
            LocalCacheExpiration = options.Value.DisconnectedL1Expiration,
            // Redis is away: do not wait on it for every miss.
            Flags = HybridCacheEntryFlags.DisableDistributedCache,
        };
}
