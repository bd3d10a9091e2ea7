using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>Entries derived from changed tools leave the cache after the change, without the change waiting for it.</summary>
public sealed class CacheEvictionTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_changed_tools_entries_are_dropped_and_other_tools_entries_stay_until_everything_is_flushed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(1, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var services = replicas.Factories[0].Services;
        var cache = services.GetRequiredService<CatalogCache>();
        var eviction = services.GetRequiredService<CacheEviction>();
        var changedKey = await NewEntryAsync(cache, "changed", ct);
        var otherKey = await NewEntryAsync(cache, "other", ct);

        await eviction.ServedChangedAsync(["changed"], ct);

        Assert.True(await Replicas.EventuallyAsync(() => BuildsAsync(cache, changedKey, "changed", ct), Deadline, ct),
            "the changed tool's entry was never dropped");
        Assert.False(await BuildsAsync(cache, otherKey, "other", ct), "another tool's entry was dropped with it");

        await eviction.ServedChangedAsync(null, ct);

        Assert.True(await Replicas.EventuallyAsync(() => BuildsAsync(cache, otherKey, "other", ct), Deadline, ct),
            "a change of anything did not drop every entry");
    }

    [Fact]
    public async Task A_change_of_many_tools_at_once_drops_every_entry_in_one_flush()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(1, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var services = replicas.Factories[0].Services;
        var cache = services.GetRequiredService<CatalogCache>();
        var eviction = services.GetRequiredService<CacheEviction>();
        var otherKey = await NewEntryAsync(cache, "unrelated", ct);
        var changedKey = await NewEntryAsync(cache, "changed", ct);

        // As many changed tools as still go one by one leave an unrelated entry alone; one more flushes it too.
        await eviction.ServedChangedAsync(["changed", .. Enumerable.Range(1, CacheEviction.ToolsWorthAFlush - 1).Select(i => $"few_{i}")], ct);
        Assert.True(await Replicas.EventuallyAsync(() => BuildsAsync(cache, changedKey, "changed", ct), Deadline, ct),
            "the changed tools' entries were never dropped");
        Assert.False(await BuildsAsync(cache, otherKey, "unrelated", ct), "a change of a few tools dropped an unrelated entry");

        await eviction.ServedChangedAsync(Enumerable.Range(0, CacheEviction.ToolsWorthAFlush + 1).Select(i => $"many_{i}").ToList(), ct);

        Assert.True(await Replicas.EventuallyAsync(() => BuildsAsync(cache, otherKey, "unrelated", ct), Deadline, ct),
            "a change of many tools did not drop every entry");
    }

    /// <summary>A new entry tagged with <paramref name="tool"/>, in the cache now; its key.</summary>
    private static async Task<string> NewEntryAsync(CatalogCache cache, string tool, CancellationToken ct)
    {
        var key = cache.QueryKey("versions", "1", $"{tool}-{Guid.NewGuid():N}");
        Assert.True(await BuildsAsync(cache, key, tool, ct), $"a new key for {tool} was found in the cache");
        return key;
    }

    /// <summary>Looks the entry up (tagged with the tool); true when it had to be built, i.e. it was not in the cache.</summary>
    private static async Task<bool> BuildsAsync(CatalogCache cache, string key, string tool, CancellationToken ct)
    {
        var built = false;
        await cache.GetOrCreateAsync("versions", key, tool, (_, _) =>
        {
            built = true;
            return ValueTask.FromResult(new CachedResponse([1, 2, 3], "\"e\"", 1));
        }, CatalogCache.ToolTag(tool), ct);
        return built;
    }
}
