namespace ToolCatalog.Api.Sync;

/// <summary>
/// Told by <see cref="ReplicaSync"/> after this replica started serving changed content, so whatever was derived from
/// the old content goes: cache entries (<see cref="Caching.CacheEviction"/>) and the change feed's wait for news.
/// </summary>
public interface IServedContentListener
{
    /// <summary>The named tools changed; null when any tool may have (a full reload, a reconnect after lost messages).</summary>
    Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken);
}
