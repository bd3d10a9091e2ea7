namespace ToolCatalog.Api.Sync;

/// <summary>
/// Told by <see cref="ReplicaSync"/> after this replica started serving changed content, so whatever was derived from
/// the old content goes: cache entries (<see cref="CacheEviction"/>) and the change feed's wait for news.
/// </summary>
public interface IServedContentListener
{
    /// <summary>The named tools changed; null when any tool may have (a full reload, a reconnect after lost messages).</summary>
    Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken);
}

/// <summary>Drops the cache entries of what changed; all of this process's entries when anything may have.</summary>
public sealed class CacheEviction(Caching.CatalogCache cache) : IServedContentListener
{
    public Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken) =>
        tools is null ? cache.FlushAsync(cancellationToken) : cache.RemoveToolsAsync(tools, cancellationToken);
}
