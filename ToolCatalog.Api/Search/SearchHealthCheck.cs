using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Search;

/// <summary>
/// Degraded while the sentence model loads (or when it failed): search still answers, by keywords only. Once loaded,
/// reports how many pattern texts still wait for their embedding.
/// </summary>
public sealed class SearchHealthCheck(SentenceModel model, SearchCorpusCache corpus, EmbeddingStore store, IOptions<EmbeddingOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("semantic search is off (Search:Embeddings:Enabled=false): keyword ranking only"));
        }
        var texts = corpus.Current.Texts.Count;
        var backlog = store.Missing(corpus.Current).Count;
        var data = new Dictionary<string, object>
        {
            ["model"] = SentenceModel.Name,
            ["model_ready"] = model.IsReady,
            ["texts"] = texts,
            ["backlog"] = backlog,
        };
        return Task.FromResult(model.IsReady
            ? HealthCheckResult.Healthy($"{texts - backlog} of {texts} pattern texts embedded, {backlog} waiting", data)
            : HealthCheckResult.Degraded(model.Failure is { } failure
                ? $"the sentence model failed to load, search ranks by keywords only: {failure}"
                : "loading the sentence model; search ranks by keywords until it is ready", data: data));
    }
}
