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

    /// <summary>Reciprocal-rank fusion: each ranking adds 1 / (k + rank) for every document it lists.</summary>
    public static List<(int Document, float Score)> Fuse(IReadOnlyList<(int Document, float Score)> keyword, IReadOnlyList<(int Document, float Score)> semantic)
    {
        var fused = new Dictionary<int, float>();
        foreach (var ranking in new[] { keyword, semantic })
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                fused[ranking[rank].Document] = fused.GetValueOrDefault(ranking[rank].Document) + 1f / (FusionK + rank + 1);
            }
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
