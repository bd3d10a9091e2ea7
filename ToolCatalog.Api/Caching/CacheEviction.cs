using System.Threading.Channels;
using ToolCatalog.Api.Sync;

namespace ToolCatalog.Api.Caching;

/// <summary>
/// Drops the cache entries of what changed (all of this process's entries when anything may have), after the change is
/// served and off the path of the write or announcement that caused it. Keys carry the revision of their content, so an
/// entry that outlives its content is never served: removal only frees memory and Redis space. It costs Redis writes
/// (HybridCache records a tag's invalidation in L2) that neither a writer's answer nor the next announcement should
/// wait for. Removals queued meanwhile are merged, so a burst of writes costs one removal, not one per write.
/// </summary>
public sealed partial class CacheEviction(CatalogCache cache, ILogger<CacheEviction> logger) : BackgroundService, IServedContentListener
{
    /// <summary>
    /// Past this many changed tools at once, every entry goes in one removal: each tool's costs a Redis write, so a
    /// 10,000-tool import cost 20,000 of them on every replica (a third of a core for a second, landing on whatever ran
    /// next), while the entries a flush drops as well are rebuilt on their next read.
    /// </summary>
    public const int ToolsWorthAFlush = 100;

    // Bounded: with Redis stuck, a dropped removal only keeps an unreachable entry until its L1 expiry.
    private readonly Channel<IReadOnlyCollection<string>?> _pending = Channel.CreateBounded<IReadOnlyCollection<string>?>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
    {
        _pending.Writer.TryWrite(tools);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _pending.Reader.WaitToReadAsync(stoppingToken))
        {
            var tools = new HashSet<string>(StringComparer.Ordinal);
            var everything = false;
            while (_pending.Reader.TryRead(out var changed))
            {
                everything |= changed is null;
                tools.UnionWith(changed ?? []);
            }
            try
            {
                await (everything || tools.Count > ToolsWorthAFlush ? cache.FlushAsync(stoppingToken) : cache.RemoveToolsAsync(tools, stoppingToken));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Removal frees memory, nothing more: a failure must not stop the ones after it.
                LogEvictionFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache eviction failed; the entries expire on their own")]
    private static partial void LogEvictionFailed(ILogger logger, Exception exception);
}
