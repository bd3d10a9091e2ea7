using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Search;

public sealed record SearchHit(string Kind, string Tool, string? Capability, string? Pattern, double Rank, string Highlight)
{
    /// <summary>The tool's platform (multi-platform tools match every platform filter).</summary>
    public string? Platform { get; init; }

    /// <summary>The pattern's one-line description.</summary>
    public string? Description { get; init; }
}

/// <summary>Whether the semantic ranking takes part in hybrid search, and a note when it does not, or only in part.</summary>
public sealed record SemanticStatus(bool Available, string? Note);

public sealed record PatternMatch(string Tool, string Capability, string Pattern, string Description, double Rank, IReadOnlyList<string> MatchedUseCases,
    IReadOnlyList<string> UseCases);

/// <summary>
/// Search over the catalog, in memory over the served snapshot: hybrid pattern search (<see cref="Search"/>), the tool
/// list's ?q= filter (<see cref="MatchingToolNames"/>) and the use-case search (<see cref="PatternsByUseCase"/>).
/// </summary>
public sealed class CatalogSearch(SearchCorpusCache corpora, EmbeddingStore embeddings, QueryVectorCache queryVectors,
    SentenceModel model, IOptions<EmbeddingOptions> options)
{
    private const string MultiPlatform = "multi-platform";

    /// <summary>
    /// Names of served tools whose name, description, tags, capabilities or patterns hold every word of the text (typos
    /// corrected as search corrects them): from the in-memory keyword index of the served snapshot, so the filter agrees
    /// with the snapshot the list is built from and costs no database round trip.
    /// </summary>
    public HashSet<string> MatchingToolNames(string text)
    {
        var corpus = corpora.Current;
        return corpus.Keywords.ToolsMatchingEveryWord(text, corpus.Documents);
    }

    /// <summary>
    /// Ranked patterns for a request in plain words, names, flags or error text: keyword (BM25F) and semantic (sentence
    /// embedding) rankings over the served snapshot, fused. In memory: no database round trip.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(string query, string? platform, int limit, SearchMode mode = SearchMode.Hybrid,
        CancellationToken cancellationToken = default)
    {
        var corpus = corpora.Current;
        var documents = corpus.Documents;
        bool Eligible(int i) => platform is null || documents[i].Platform == platform || documents[i].Platform == MultiPlatform;

        var keywordQuery = corpus.Keywords.Parse(query);
        var (scores, coverage) = corpus.Keywords.Score(keywordQuery);
        var keyword = mode == SearchMode.Semantic ? [] : SearchRanking.Top(scores, Eligible, SearchRanking.Depth, 0f);
        var semantic = mode == SearchMode.Keyword ? [] : SemanticTop(query, corpus, Eligible, cancellationToken);
        var ranked = mode switch
        {
            SearchMode.Keyword => keyword,
            SearchMode.Semantic => semantic,
            _ => SearchRanking.Combine(keyword, coverage, semantic),
        };
        return ranked.Take(limit).Select(r =>
        {
            var doc = documents[r.Document];
            return new SearchHit("pattern", doc.Tool, doc.Capability, doc.Pattern, Math.Round(r.Score, 4), SearchRanking.Highlight(doc, keywordQuery.Terms))
            {
                Platform = doc.Platform,
                Description = doc.Description,
            };
        }).ToList();
    }

    /// <summary>
    /// Patterns by meaning: the mean of two cosines, the pattern's composed text (what it is, in context) and its best
    /// short text (its description or one use case: what it is for, sharply). Either alone ranks worse: the composed
    /// text blurs the job among everything else the pattern says, the best short text alone over-rewards a pattern
    /// with many use cases for a lucky near-match on one.
    /// </summary>
    private List<(int Document, float Score)> SemanticTop(string query, SearchCorpus corpus, Func<int, bool> eligible,
        CancellationToken cancellationToken)
    {
        if (queryVectors.Get(query, cancellationToken) is not { } queryVector)
        {
            return [];
        }
        var textScores = new float[corpus.Texts.Count];
        for (var t = 0; t < textScores.Length; t++)
        {
            // A text not embedded yet is left out here; the keyword ranking still finds its pattern.
            textScores[t] = embeddings.Find(corpus.Texts[t].Hash) is { } vector
                ? System.Numerics.Tensors.TensorPrimitives.Dot(queryVector, vector)
                : float.NegativeInfinity;
        }
        var documents = corpus.Documents;
        var scores = new float[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            var best = float.NegativeInfinity;
            foreach (var view in documents[i].Focused)
            {
                best = Math.Max(best, textScores[view]);
            }
            scores[i] = (textScores[documents[i].Composed] + best) / 2;
        }
        return SearchRanking.Top(scores, eligible, SearchRanking.Depth, float.NegativeInfinity);
    }

    /// <summary>
    /// Whether a hybrid search now ranks by meaning as well as by keywords, and when not (or not for every pattern), why:
    /// so a caller that acts on the hits can say how they were found.
    /// </summary>
    public SemanticStatus Semantic()
    {
        if (!options.Value.Enabled)
        {
            return new SemanticStatus(false, "semantic ranking is off (Search:Embeddings:Enabled=false): keywords only");
        }
        if (!model.IsReady)
        {
            return new SemanticStatus(false, model.Failure is { } failure
                ? $"the sentence model failed to load ({failure}): keywords only"
                : "the sentence model is still loading: keywords only");
        }
        var corpus = corpora.Current;
        var backlog = embeddings.Missing(corpus).Count;
        return new SemanticStatus(true, backlog == 0 ? null
            : $"{backlog} of {corpus.Texts.Count} texts are not embedded yet: their patterns are found by keywords only");
    }

    /// <summary>Patterns ranked by how well their typical use cases match a described need (<see cref="UseCaseRanking"/>).</summary>
    public IReadOnlyList<PatternMatch> PatternsByUseCase(string useCase, int limit) => UseCaseRanking.Rank(corpora.Current, useCase, limit);
}
