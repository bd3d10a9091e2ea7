using System.Diagnostics.Metrics;

namespace ToolCatalog.Api.Search;

/// <summary>How far semantic search is behind the catalog, and how much embedding work this replica did.</summary>
public sealed class SearchMetrics
{
    public const string MeterName = "ToolCatalog.Search";

    private readonly Counter<long> _embedded;

    public SearchMetrics(IMeterFactory meterFactory, SearchCorpusCache corpus, EmbeddingStore store)
    {
        var meter = meterFactory.Create(MeterName);
        _embedded = meter.CreateCounter<long>("toolcatalog.search.embeddings.computed", unit: "{text}",
            description: "Pattern texts this replica embedded with the model and stored");
        meter.CreateObservableGauge("toolcatalog.search.embeddings.backlog", () => store.Missing(corpus.Current).Count, unit: "{text}",
            description: "Pattern texts of the served catalog without a stored embedding yet");
        meter.CreateObservableGauge("toolcatalog.search.embeddings.stored", () => store.Count, unit: "{text}",
            description: "Embeddings this replica holds in memory");
    }

    public void Embedded(int texts) => _embedded.Add(texts);
}
