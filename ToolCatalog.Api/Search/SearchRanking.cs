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
    /// The reciprocal-rank-fusion constant of Cormack et al. (2009): large enough that the first few places of either
    /// ranking do not dominate, so a document both rankings place well beats one that only one ranking places first.
    /// </summary>
    public const int FusionK = 60;

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
    /// Reciprocal-rank fusion: each ranking adds 1 / (k + rank) for every document it lists. A keyword match counts in
    /// proportion to how much of the request its words cover: one common word shared with a request phrased in other
    /// words ranks a document by accident, while a match on the request's rare words (a name, a flag, an error code)
    /// is the strongest evidence there is. The semantic ranking always counts in full.
    /// </summary>
    public static List<(int Document, float Score)> Fuse(IReadOnlyList<(int Document, float Score)> keyword, float[] keywordCoverage,
        IReadOnlyList<(int Document, float Score)> semantic)
    {
        var fused = new Dictionary<int, float>();
        for (var rank = 0; rank < keyword.Count; rank++)
        {
            var document = keyword[rank].Document;
            fused[document] = fused.GetValueOrDefault(document) + keywordCoverage[document] * keywordCoverage[document] / (FusionK + rank + 1);
        }
        for (var rank = 0; rank < semantic.Count; rank++)
        {
            fused[semantic[rank].Document] = fused.GetValueOrDefault(semantic[rank].Document) + 1f / (FusionK + rank + 1);
        }
        return fused.Select(p => (p.Key, p.Value))
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
