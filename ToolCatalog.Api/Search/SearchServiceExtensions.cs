namespace ToolCatalog.Api.Search;

public static class SearchServiceExtensions
{
    /// <summary>Hybrid search: the in-memory corpus, the shared sentence model, stored embeddings and their worker.</summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmbeddingOptions>().BindConfiguration(EmbeddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SentenceModel>();
        builder.Services.AddSingleton<SearchCorpusCache>();
        builder.Services.AddSingleton<EmbeddingStore>();
        builder.Services.AddSingleton<QueryVectorCache>();
        builder.Services.AddSingleton<SearchMetrics>();
        builder.Services.AddSingleton<CatalogSearch>();
        builder.Services.AddHostedService<EmbeddingWorker>();
        builder.Services.AddHealthChecks().AddCheck<SearchHealthCheck>("search", tags: ["ready"]);
        return builder;
    }
}
