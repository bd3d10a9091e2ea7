using System.Text;

namespace ToolCatalog.Api.Search;

public enum SearchMode
{
    Hybrid,
    Keyword,
    Semantic,
}

/// <summary>How the keyword and semantic rankings become one list, and how a hit shows why it matched.</summary>
public static class SearchRanking
{
    /// <summary>
    /// The semantic share of the hybrid score (the keyword share is the rest). Equal shares measured best on the tuning
    /// set among 0.4 to 0.7 and held on the held-out set (docs/search.md).
    /// </summary>
    public const float SemanticWeight = 0.5f;

    /// <summary>How deep each ranking is read before fusing; both are cut there.</summary>
    public const int Depth = 100;

    /// <summary>The indices of the documents with the highest scores above <paramref name="floor"/>, best first.</summary>
    public static List<(int Document, float Score)> Top(float[] scores, Func<int, bool> eligible, int depth, float floor)
    {
        var top = new List<(int Document, float Score)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > floor && eligible(i))
            {
                top.Add((i, scores[i]));
            }
        }
        top.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Document.CompareTo(b.Document));
        return top.Count > depth ? top[..depth] : top;
    }

    /// <summary>
    /// Convex combination of the two scores, each scaled to 0..1 within this query's results: the keyword score relative
    /// to the best one, times its coverage (the share of the request's information its matched words carry), and the
    /// cosine min-max scaled over the semantic top list. Unlike reciprocal-rank fusion it keeps how far apart the scores
    /// are: a pattern far ahead by meaning is not pulled level by one that is merely listed by the other ranking. A
    /// keyword match on one common word of a request phrased in other words is an accident, hence the coverage; a match
    /// on the request's rare words (a name, a flag, an error code) is the strongest evidence there is.
    /// </summary>
    public static List<(int Document, float Score)> Combine(IReadOnlyList<(int Document, float Score)> keyword, float[] keywordCoverage,
        IReadOnlyList<(int Document, float Score)> semantic)
    {
        var combined = new Dictionary<int, float>();
        if (keyword.Count > 0)
        {
            var best = keyword[0].Score;
            foreach (var (document, score) in keyword)
            {
                combined[document] = (1 - SemanticWeight) * score / best * keywordCoverage[document];
            }
        }
        if (semantic.Count > 0)
        {
            var (max, min) = (semantic[0].Score, semantic[^1].Score);
            foreach (var (document, score) in semantic)
            {
                combined[document] = combined.GetValueOrDefault(document) + SemanticWeight * (score - min) / Math.Max(max - min, 1e-6f);
            }
        }
        return combined.Select(p => (p.Key, p.Value))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .ToList();
    }

    /// <summary>The pattern's description and use cases with the query's words (or their corrections) marked.</summary>
    public static string Highlight(SearchDocument document, IReadOnlyDictionary<string, float> queryTerms)
    {
        var text = document.UseCases.Count == 0 ? document.Description
            : $"{document.Description} Use cases: {string.Join("; ", document.UseCases)}";
        if (queryTerms.Count == 0)
        {
            return text;
        }
        var marked = new StringBuilder(text.Length + 32);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord)
            {
                if (start >= 0)
                {
                    var word = text[start..i];
                    var lower = word.ToLowerInvariant();
                    var matches = !SearchText.IsStopWord(lower) && queryTerms.ContainsKey(SearchText.Stem(lower));
                    marked.Append(matches ? $"<mark>{word}</mark>" : word);
                    start = -1;
                }
                if (i < text.Length)
                {
                    marked.Append(text[i]);
                }
            }
        }
        return marked.ToString();
    }
}
