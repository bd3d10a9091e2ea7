namespace ToolCatalog.Catalog.Vocabulary;

/// <summary>
/// Trigram similarity as PostgreSQL's pg_trgm computes it: each word lower-cased and padded with two spaces before and
/// one after, similarity = shared trigrams / all trigrams. Used to suggest close capability names.
/// </summary>
public static class Trigrams
{
    /// <summary>Below this, two names have too little in common to be worth suggesting.</summary>
    public const double MinSimilarity = 0.15;

    /// <summary>
    /// The names of <paramref name="candidates"/> most like <paramref name="text"/>, each by its most alike form (a name
    /// and its aliases, as <see cref="Of"/> makes them): at least <see cref="MinSimilarity"/>, most alike first, ties by
    /// name, at most <paramref name="max"/>.
    /// </summary>
    public static IReadOnlyList<string> Closest(string text, IEnumerable<(string Name, ulong[][] Forms)> candidates, int max)
    {
        var wanted = Of(text);
        return candidates
            .Select(c => (c.Name, Similarity: c.Forms.Max(form => Similarity(wanted, form))))
            .Where(x => x.Similarity >= MinSimilarity)
            .OrderByDescending(x => x.Similarity).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max).Select(x => x.Name).ToList();
    }

    /// <summary>Both sets as <see cref="Of"/> makes them: sorted, without repeats.</summary>
    public static double Similarity(ulong[] a, ulong[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        // One walk over both sorted sets counts what they share.
        int shared = 0, i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return (double)shared / (a.Length + b.Length - shared);
    }

    /// <summary>
    /// The trigrams of <paramref name="text"/>, each its three UTF-16 code units in one number (so equal numbers are
    /// equal trigrams), sorted and without repeats.
    /// </summary>
    public static ulong[] Of(string text)
    {
        var trigrams = new SortedSet<ulong>();
        var lower = text.ToLowerInvariant();
        var words = lower.Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray();
        foreach (var word in new string(words).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = "  " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                trigrams.Add(((ulong)padded[i] << 32) | ((ulong)padded[i + 1] << 16) | padded[i + 2]);
            }
        }
        return [.. trigrams];
    }
}
