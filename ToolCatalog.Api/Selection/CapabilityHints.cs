namespace ToolCatalog.Api.Selection;

/// <summary>
/// Capability names close to what a request asked for, by trigram similarity (as PostgreSQL's pg_trgm computes it:
/// words padded with two spaces before and one after, similarity = shared trigrams / all trigrams).
/// </summary>
public static class CapabilityHints
{
    public const int MaxSuggestions = 5;
    public const double MinSimilarity = 0.15;

    /// <summary>A hint when a requested capability is unknown or none was named; null when every name matched.</summary>
    public static CapabilityHint? For(SelectionIndex index, SelectionQuery query, IReadOnlyList<CapabilityMatch> matches)
    {
        var unknown = matches.Where(m => m.Capability is null).Select(m => m.Requested).ToList();
        if (matches.Count > 0 && unknown.Count == 0)
        {
            return null;
        }
        if (matches.Count == 0)
        {
            return new CapabilityHint(
                "No capability named, and the query found none: name one or more in 'capabilities'; close names follow.",
                Closest(query.Query ?? "", index.CapabilityNames));
        }
        var suggestions = unknown.SelectMany(u => Closest(u, index.CapabilityNames)).Distinct(StringComparer.Ordinal).Take(MaxSuggestions).ToList();
        return new CapabilityHint($"No selectable tool offers {string.Join(", ", unknown.Select(u => $"'{u}'"))}; close capability names follow.", suggestions);
    }

    public static IReadOnlyList<string> Closest(string text, IEnumerable<string> names)
    {
        var wanted = Trigrams(text);
        return names
            .Select(name => (Name: name, Similarity: Similarity(wanted, Trigrams(name))))
            .Where(x => x.Similarity >= MinSimilarity)
            .OrderByDescending(x => x.Similarity).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(MaxSuggestions).Select(x => x.Name).ToList();
    }

    public static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }
        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    public static HashSet<string> Trigrams(string text)
    {
        var trigrams = new HashSet<string>(StringComparer.Ordinal);
        var lower = text.ToLowerInvariant();
        var words = lower.Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray();
        foreach (var word in new string(words).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = "  " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                trigrams.Add(padded.Substring(i, 3));
            }
        }
        return trigrams;
    }
}
