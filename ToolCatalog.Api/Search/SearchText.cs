using System.Collections.Frozen;

namespace ToolCatalog.Api.Search;

/// <summary>
/// How text becomes search terms: lower-case alphanumeric runs, English stop words dropped, a light suffix stemmer so
/// "restarting", "restarts" and "restart" meet. Shared by the index and the query so both sides agree.
/// </summary>
public static class SearchText
{
    // A general English stop list plus the words people wrap a request in ("how do I", "show me", "please"):
    // they say nothing about which tool fits, and with OR semantics they would match every document. Verbs that are
    // also subcommands ("get", "show", "run") stay: "kubectl get" means something.
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
        "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "give", "had", "has", "have", "having",
        "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "let", "like", "me",
        "my", "need", "of", "on", "or", "our", "please", "she", "should", "so", "some", "than", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "those", "to", "us", "via", "want", "was", "we", "were", "what",
        "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The raw lower-case tokens of a text (alphanumeric runs), stop words included.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    /// <summary>Stemmed terms without stop words: what the index stores and a query looks up.</summary>
    public static IEnumerable<string> Terms(string text) =>
        Tokens(text).Where(t => !StopWords.Contains(t)).Select(Stem);

    public static bool IsStopWord(string token) => StopWords.Contains(token);

    /// <summary>
    /// A deliberately light stemmer (plural and verb endings only): command names and flags must survive it, and a
    /// stronger stemmer (Porter) merges words an operator keeps apart ("user" and "use").
    /// </summary>
    public static string Stem(string token)
    {
        if (token.Length <= 3 || char.IsDigit(token[^1]))
        {
            return token;
        }
        if (token.EndsWith("ies", StringComparison.Ordinal) && token.Length > 4)
        {
            return token[..^3] + "y";
        }
        if (token.EndsWith("ing", StringComparison.Ordinal) && token.Length > 5)
        {
            return UndoubleConsonant(token[..^3]);
        }
        if (token.EndsWith("ed", StringComparison.Ordinal) && token.Length > 4)
        {
            return UndoubleConsonant(token[..^2]);
        }
        if (token.EndsWith("sses", StringComparison.Ordinal) || token.EndsWith("xes", StringComparison.Ordinal)
            || token.EndsWith("ches", StringComparison.Ordinal) || token.EndsWith("shes", StringComparison.Ordinal))
        {
            return token[..^2];
        }
        if (token[^1] == 's' && token[^2] is not ('s' or 'u' or 'i'))
        {
            return token[..^1];
        }
        return token;
    }

    // "stopped" -> "stopp" -> "stop"; "running" -> "runn" -> "run"; keeps "install" (ll is common at word end).
    private static string UndoubleConsonant(string stem) =>
        stem.Length > 2 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') && !"aeiou".Contains(stem[^1])
            ? stem[..^1] : stem;

    /// <summary>
    /// Optimal string alignment distance (edits with adjacent transpositions), or <paramref name="max"/> + 1 as soon as
    /// it is certainly larger: typo matching compares a query word with the whole vocabulary.
    /// </summary>
    public static int EditDistance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > max)
            {
                return max + 1;
            }
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
