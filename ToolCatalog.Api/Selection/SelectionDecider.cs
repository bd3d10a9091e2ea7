using System.Text.Json.Serialization;
using ToolCatalog.Api.Search;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// The decision for a request, REST or MCP: when it names no capability but says what it needs in words, the
/// capabilities come from the hybrid search's best hits for those words, and the response says which, from which hits.
/// Deterministic for the same snapshot and stored embeddings: the search is (ties broken by document order).
/// </summary>
public sealed class SelectionDecider(SnapshotStore loader, CatalogSearch search, CatalogVocabulary vocabulary)
{
    /// <summary>How many hits are read: enough to see a runner-up capability, few enough that all are relevant.</summary>
    public const int HitsRead = 10;

    /// <summary>At most this many capabilities are taken from the hits.</summary>
    public const int MaxCapabilities = 3;

    /// <summary>
    /// A hit's capability is taken when its fused score is at least this share of the best hit's: a close second
    /// reading of the request still competes on time, cost and the rest, a distant one does not outrank the clear match
    /// just by being faster.
    /// </summary>
    public const double RelativeScore = 0.8;

    public SelectResponse Decide(SelectionQuery query, CancellationToken cancellationToken)
    {
        var snapshot = loader.Current;
        if (query.Capabilities.Count > 0 || string.IsNullOrWhiteSpace(query.Query))
        {
            return SelectionEngine.Decide(snapshot, query, vocabulary.Capabilities);
        }
        var found = FromQuery(query.Query.Trim(), query.Platform, cancellationToken);
        return SelectionEngine.Decide(snapshot, query with { Capabilities = found.Capabilities }, vocabulary.Capabilities) with { FromQuery = found };
    }

    private CapabilitiesFromQuery FromQuery(string text, string? platform, CancellationToken cancellationToken)
    {
        var semantic = search.Semantic();
        var hits = search.Search(text, platform, HitsRead, SearchMode.Hybrid, cancellationToken);
        var capabilities = new List<string>(MaxCapabilities);
        var used = new List<QueryHit>();
        for (var i = 0; i < hits.Count && capabilities.Count < MaxCapabilities; i++)
        {
            var hit = hits[i];
            if (hit.Capability is null || hit.Rank < hits[0].Rank * RelativeScore)
            {
                continue;
            }
            if (!capabilities.Contains(hit.Capability, StringComparer.Ordinal))
            {
                capabilities.Add(hit.Capability);
                used.Add(new QueryHit(i + 1, hit.Tool, hit.Capability, hit.Pattern!, hit.Rank));
            }
        }
        return new CapabilitiesFromQuery(semantic.Available ? "hybrid" : "keyword", semantic.Note, capabilities, used);
    }
}

/// <summary>
/// How the capabilities of a request that named none were found: the search (hybrid, or keyword when embeddings are
/// off or not ready, with the reason in <c>note</c>), the capabilities taken, and the hit each came from.
/// </summary>
public sealed record CapabilitiesFromQuery(string Search, string? Note, IReadOnlyList<string> Capabilities, IReadOnlyList<QueryHit> Hits);

/// <summary>A search hit a capability was taken from: its place in the search results and its fused score.</summary>
public sealed record QueryHit(int Rank, string Tool, string Capability, string Pattern, [property: JsonPropertyName("search_score")] double SearchScore);
