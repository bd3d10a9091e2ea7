using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// Capability names close to what a request asked for, by trigram similarity (<see cref="Trigrams"/>, as PostgreSQL's
/// pg_trgm computes it).
/// </summary>
public static class CapabilityHints
{
    public const int MaxSuggestions = 5;

    /// <summary>A hint when a requested capability is unknown or none was named; null when every name matched.</summary>
    public static CapabilityHint? For(SelectionIndex index, SelectionQuery query, IReadOnlyList<CapabilityMatch> matches)
    {
        if (matches.Count > 0 && AllMatched(matches))
        {
            return null;
        }
        var unknown = matches.Where(m => m.Capability is null).Select(m => m.Requested).ToList();
        if (matches.Count == 0)
        {
            return new CapabilityHint(
                "No capability named, and the query found none: name one or more in 'capabilities'; close names follow.",
                Closest(query.Query ?? "", index));
        }
        var suggestions = unknown.SelectMany(u => Closest(u, index)).Distinct(StringComparer.Ordinal).Take(MaxSuggestions).ToList();
        return new CapabilityHint($"No selectable tool offers {string.Join(", ", unknown.Select(u => $"'{u}'"))}; close capability names follow.", suggestions);
    }

    // A loop, not LINQ: nearly every request names only known capabilities, and this is on its path.
    private static bool AllMatched(IReadOnlyList<CapabilityMatch> matches)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            if (matches[i].Capability is null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The offered capabilities closest to <paramref name="text"/>: each compared by its name and its aliases, so a
    /// misspelt alias ("logical_bakup") still suggests the canonical capability ("backup").
    /// </summary>
    public static IReadOnlyList<string> Closest(string text, SelectionIndex index) => Trigrams.Closest(text, index.HintForms, MaxSuggestions);
}
