using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// The preference modes, their weights, and how a query's words choose one: case-insensitive whole-word keyword
/// counts, most hits wins, ties in the order fast &gt; accurate &gt; thorough &gt; cheap &gt; simple, no hit → balanced.
/// </summary>
public sealed partial class PreferenceModes
{
    public const string Balanced = "balanced";

    /// <summary>The modes a query can choose, in tie-break order, each with the dimension it puts first.</summary>
    public static readonly IReadOnlyList<string> Keyworded = ["fast", "accurate", "thorough", "cheap", "simple"];

    public static readonly IReadOnlyList<string> All = [.. Keyworded, Balanced];

    private static readonly FrozenDictionary<string, Feature> Primary = new Dictionary<string, Feature>
    {
        ["fast"] = Feature.Time,
        ["accurate"] = Feature.Accuracy,
        ["thorough"] = Feature.Completeness,
        ["cheap"] = Feature.Cost,
        ["simple"] = Feature.Complexity,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, string[]> DefaultKeywords = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["fast"] = ["quick", "quickly", "fast", "faster", "fastest", "rapid", "rapidly", "immediate", "immediately", "asap", "urgent", "urgently"],
        ["accurate"] = ["accurate", "accurately", "precise", "precisely", "exact", "exactly", "verify", "verified", "confirm", "reliable", "reliably", "correct"],
        ["thorough"] = ["thorough", "thoroughly", "complete", "comprehensive", "detailed", "all", "every", "exhaustive", "full", "entire"],
        ["cheap"] = ["cheap", "cheaply", "cheapest", "free", "low-cost", "budget", "economical", "inexpensive"],
        ["simple"] = ["simple", "basic", "straightforward", "easy", "minimal", "lightweight"],
    };

    private readonly FrozenDictionary<string, string> _modeOfWord;

    public PreferenceModes(IReadOnlyDictionary<string, string[]>? configured)
    {
        var modeOfWord = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // Walk modes in tie-break order so a word listed for two modes counts for the earlier one only.
        foreach (var mode in Keyworded)
        {
            var words = configured?.FirstOrDefault(p => string.Equals(p.Key, mode, StringComparison.OrdinalIgnoreCase)).Value ?? DefaultKeywords[mode];
            foreach (var word in words.Where(w => !string.IsNullOrWhiteSpace(w)))
            {
                modeOfWord.TryAdd(word.Trim(), mode);
            }
        }
        _modeOfWord = modeOfWord.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The primary dimension 0.40 and the four others 0.15 each; balanced 0.20 each.</summary>
    public static FeatureWeights WeightsOf(string mode)
    {
        if (!Primary.TryGetValue(mode, out var primary))
        {
            return new FeatureWeights(0.2, 0.2, 0.2, 0.2, 0.2);
        }
        double W(Feature f) => f == primary ? 0.40 : 0.15;
        return new FeatureWeights(W(Feature.Time), W(Feature.Cost), W(Feature.Complexity), W(Feature.Accuracy), W(Feature.Completeness));
    }

    /// <summary>The mode the query's words point to; confidence min(1, 0.7 + 0.1·hits), or balanced at 0.5 without hits.</summary>
    public ModeDecision Detect(string? query)
    {
        var hits = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Match word in Word().Matches(query ?? ""))
        {
            if (_modeOfWord.TryGetValue(word.Value, out var mode))
            {
                (hits.TryGetValue(mode, out var list) ? list : hits[mode] = []).Add(word.Value.ToLowerInvariant());
            }
        }
        string? best = null;
        foreach (var mode in Keyworded)
        {
            if (hits.TryGetValue(mode, out var list) && (best is null || list.Count > hits[best].Count))
            {
                best = mode;
            }
        }
        return best is null
            ? new ModeDecision(Balanced, "default", 0.5, [], WeightsOf(Balanced))
            : new ModeDecision(best, "query", Math.Round(Math.Min(1.0, 0.7 + 0.1 * hits[best].Count), 9), hits[best], WeightsOf(best));
    }

    /// <summary>Words: letters and digits, joined by single hyphens (so "low-cost" is one word).</summary>
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
