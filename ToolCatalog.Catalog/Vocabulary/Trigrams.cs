namespace ToolCatalog.Catalog.Vocabulary;

/// <summary>
/// Trigram similarity as PostgreSQL's pg_trgm computes it: each word lower-cased and padded with two spaces before and
/// one after, similarity = shared trigrams / all trigrams. Used to suggest close capability names.
/// </summary>
public static class Trigrams
{
    /// <summary>Below this, two names have too little in common to be worth suggesting.</summary>
    public const double MinSimilarity = 0.15;

    public static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }
        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    public static HashSet<string> Of(string text)
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
