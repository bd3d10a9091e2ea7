using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Search;

/// <summary>
/// Embeddings of recent queries, least recently used evicted first. Embedding a query costs tens of milliseconds of
/// CPU; a repeated query (agents retry, dashboards poll) then costs a dictionary lookup.
/// </summary>
public sealed class QueryVectorCache(SentenceModel model, IOptions<EmbeddingOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, float[] Vector)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, float[] Vector)> _recency = new();

    /// <summary>The query's embedding, or null while the model is not loaded (search never waits for it).</summary>
    public float[]? Get(string query, CancellationToken cancellationToken)
    {
        if (!model.IsReady)
        {
            return null;
        }
        var key = query.Trim().ToLowerInvariant();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Vector;
            }
        }
        var vector = model.Encode([key], cancellationToken)[0];
        lock (_gate)
        {
            if (!_entries.ContainsKey(key) && options.Value.QueryCacheSize > 0)
            {
                _entries[key] = _recency.AddFirst((key, vector));
                if (_entries.Count > options.Value.QueryCacheSize)
                {
                    _entries.Remove(_recency.Last!.Value.Key);
                    _recency.RemoveLast();
                }
            }
        }
        return vector;
    }
}
