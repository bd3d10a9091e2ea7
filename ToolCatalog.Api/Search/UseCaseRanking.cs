namespace ToolCatalog.Api.Search;

/// <summary>
/// Patterns ranked by how well their typical use cases match a described need, in memory over the served snapshot's
/// keyword index (it replaced a PostgreSQL full-text query, so the catalog keeps no relational copy of its patterns).
/// A pattern matches when its own text (name, description, use cases) holds every word of the need, or when one of
/// its use cases holds most of them; each word counts as written (stemmed) or as one of its typo corrections. Matches
/// are ordered by the keyword ranking's score, and say which of their use cases matched.
/// </summary>
public static class UseCaseRanking
{
    public static IReadOnlyList<PatternMatch> Rank(SearchCorpus corpus, string need, int limit)
    {
        var query = corpus.Keywords.Parse(need);
        var words = query.Words.Select(alternatives => alternatives.ToHashSet(StringComparer.Ordinal)).ToList();
        if (words.Count == 0)
        {
            return [];
        }
        var (scores, _) = corpus.Keywords.Score(query);
        var matches = new List<(int Document, float Score, IReadOnlyList<string> MatchedUseCases)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > 0 && Match(corpus.Documents[i], words) is { } matched)
            {
                matches.Add((i, scores[i], matched));
            }
        }
        return matches
            .OrderByDescending(m => m.Score)
            .ThenBy(m => corpus.Documents[m.Document].Tool, StringComparer.Ordinal)
            .ThenBy(m => corpus.Documents[m.Document].Capability, StringComparer.Ordinal)
            .ThenBy(m => corpus.Documents[m.Document].Pattern, StringComparer.Ordinal)
            .Take(limit)
            .Select(m =>
            {
                var doc = corpus.Documents[m.Document];
                return new PatternMatch(doc.Tool, doc.Capability, doc.Pattern, doc.Description, Math.Round(m.Score, 4), m.MatchedUseCases, doc.UseCases);
            })
            .ToList();
    }

    /// <summary>
    /// The use cases that match the need (those holding most of its words; failing that, those holding any, when the
    /// pattern's own text holds all of them), or null when the pattern does not match.
    /// </summary>
    private static List<string>? Match(SearchDocument document, List<HashSet<string>> words)
    {
        // "Most" is two thirds, and at least one word: "restart the nginx service" still finds "restart a service".
        var enough = Math.Max(1, (int)Math.Ceiling(words.Count * 2 / 3.0));
        var held = document.UseCases.Select(u => (UseCase: u, Words: WordsHeld(u, words))).ToList();
        var most = held.Where(h => h.Words >= enough).Select(h => h.UseCase).ToList();
        if (most.Count > 0)
        {
            return most;
        }
        var some = held.Where(h => h.Words > 0).Select(h => h.UseCase).ToList();
        var own = $"{document.Pattern.Replace('_', ' ')} {document.Description} {string.Join(' ', document.UseCases)}";
        return some.Count > 0 && WordsHeld(own, words) == words.Count ? some : null;
    }

    /// <summary>How many of the need's words <paramref name="text"/> holds (each as written or corrected).</summary>
    private static int WordsHeld(string text, List<HashSet<string>> words)
    {
        var terms = SearchText.Terms(text).ToHashSet(StringComparer.Ordinal);
        return words.Count(w => w.Overlaps(terms));
    }
}
