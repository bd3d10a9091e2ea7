using System.Collections.Frozen;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Search;

/// <summary>
/// BM25F over the pattern documents, in memory: OR semantics (any query term scores, more and rarer terms score
/// higher), field weights (a tool's name says more than its general description), and typo tolerance by matching a
/// word that is not in the vocabulary to the vocabulary words one or two edits away.
/// </summary>
public sealed class KeywordIndex
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    // Field weights: names are what people type, the pattern's own text is specific, the tool's description is shared
    // by all of its patterns and so says least about which pattern fits.
    private const float ToolNameWeight = 4f;
    private const float PatternNameWeight = 2f;
    private const float TagWeight = 2f;
    private const float PatternDescriptionWeight = 1.5f;
    private const float UseCaseWeight = 1f;
    private const float CapabilityWeight = 1f;
    private const float ToolDescriptionWeight = 0.7f;
    private const float PlatformWeight = 0.5f;

    private readonly FrozenDictionary<string, (int Document, float Frequency)[]> _postings;
    private readonly float[] _lengths;
    private readonly float _averageLength;
    private readonly string[] _vocabulary;

    private KeywordIndex(Dictionary<string, List<(int, float)>> postings, float[] lengths)
    {
        _postings = postings.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _lengths = lengths;
        _averageLength = lengths.Length == 0 ? 1 : Math.Max(1, lengths.Average());
        _vocabulary = [.. _postings.Keys];
    }

    public static KeywordIndex Build(CatalogSnapshot snapshot, IReadOnlyList<SearchDocument> documents)
    {
        var postings = new Dictionary<string, List<(int, float)>>(StringComparer.Ordinal);
        var lengths = new float[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            var doc = documents[i];
            var tool = snapshot.Find(doc.Tool)!.Document;
            var frequencies = new Dictionary<string, float>(StringComparer.Ordinal);
            Add(frequencies, ToolNameWeight, doc.Tool);
            if (doc.Tool.Any(c => !char.IsLetterOrDigit(c)))
            {
                Add(frequencies, ToolNameWeight, [doc.Tool.ToLowerInvariant()]);
            }
            Add(frequencies, PatternNameWeight, doc.Capability.Replace('_', ' ') + " " + doc.Pattern.Replace('_', ' '));
            Add(frequencies, TagWeight, string.Join(' ', tool.Tags));
            Add(frequencies, PatternDescriptionWeight, doc.Description);
            Add(frequencies, UseCaseWeight, string.Join(' ', doc.UseCases));
            Add(frequencies, CapabilityWeight, tool.Capabilities.First(c => c.Name == doc.Capability).Description);
            Add(frequencies, ToolDescriptionWeight, tool.Description);
            Add(frequencies, PlatformWeight, doc.Platform);
            foreach (var (term, frequency) in frequencies)
            {
                if (!postings.TryGetValue(term, out var list))
                {
                    postings[term] = list = [];
                }
                list.Add((i, frequency));
                lengths[i] += frequency;
            }
        }
        return new KeywordIndex(postings, lengths);
    }

    private static void Add(Dictionary<string, float> frequencies, float weight, string text) => Add(frequencies, weight, SearchText.Terms(text));

    private static void Add(Dictionary<string, float> frequencies, float weight, IEnumerable<string> terms)
    {
        foreach (var term in terms)
        {
            frequencies[term] = frequencies.GetValueOrDefault(term) + weight;
        }
    }

    /// <summary>
    /// The query's terms with their weights (its own words, whole names as typed, typo corrections), and how much
    /// information the query carries: the summed IDF of its words, a word the index does not know counting as the
    /// rarest. A document's share of that is how much of the request the keywords explain.
    /// </summary>
    public KeywordQuery Parse(string query)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        var words = new List<IReadOnlyList<string>>();
        var information = 0f;
        foreach (var term in SearchText.Terms(query).Distinct(StringComparer.Ordinal))
        {
            if (_postings.ContainsKey(term))
            {
                terms[term] = 1f;
                words.Add([term]);
                information += Idf(term);
                continue;
            }
            var corrections = Corrections(term).ToList();
            words.Add(corrections.Select(c => c.Term).ToList());
            foreach (var (correction, weight) in corrections)
            {
                terms[correction] = Math.Max(terms.GetValueOrDefault(correction), weight);
            }
            information += corrections.Count > 0 ? corrections.Max(c => c.Weight * Idf(c.Term)) : Idf(null);
        }
        // A name typed whole ("kubectl_logs", "Get-Service") is one term in the name field, not just its pieces.
        foreach (var word in query.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var whole = word.Trim('.', ',', ';', ':', '?', '!', '"', '\'', '(', ')', '`').ToLowerInvariant();
            if (whole.Any(c => !char.IsLetterOrDigit(c)) && _postings.ContainsKey(whole))
            {
                terms[whole] = 1f;
            }
        }
        return new KeywordQuery(terms, information, words);
    }

    /// <summary>
    /// The tools whose indexed text (name, description, tags, capabilities, patterns, use cases) holds every word of
    /// <paramref name="query"/>, each word as written or as one of its typo corrections: the list's <c>?q=</c> filter,
    /// AND semantics like the full-text query it replaced. A query of stop words only matches nothing.
    /// </summary>
    public HashSet<string> ToolsMatchingEveryWord(string query, IReadOnlyList<SearchDocument> documents)
    {
        HashSet<string>? matching = null;
        foreach (var alternatives in Parse(query).Words)
        {
            var tools = alternatives.SelectMany(a => _postings[a]).Select(p => documents[p.Document].Tool).ToHashSet(StringComparer.Ordinal);
            if (matching is null)
            {
                matching = tools;
            }
            else
            {
                matching.IntersectWith(tools);
            }
        }
        return matching ?? new HashSet<string>(StringComparer.Ordinal);
    }

    private float Idf(string? term)
    {
        var frequency = term is null ? 0 : _postings[term].Length;
        return MathF.Log(1 + (_lengths.Length - frequency + 0.5f) / (frequency + 0.5f));
    }

    /// <summary>Vocabulary words within one edit (two for long words) of a word the index does not know.</summary>
    private IEnumerable<(string Term, float Weight)> Corrections(string term)
    {
        if (term.Length < 4 || term.All(char.IsDigit))
        {
            return [];
        }
        var max = term.Length >= 8 ? 2 : 1;
        return _vocabulary
            .Select(v => (Term: v, Distance: SearchText.EditDistance(term, v, max)))
            .Where(c => c.Distance <= max)
            .OrderBy(c => c.Distance).ThenByDescending(c => _postings[c.Term].Length)
            .Take(3)
            .Select(c => (c.Term, c.Distance == 1 ? 0.8f : 0.6f));
    }

    /// <summary>
    /// BM25F scores of every document that contains at least one query term (index order), and for each the share of
    /// the query's information its matched terms carry (0 to 1).
    /// </summary>
    public (float[] Scores, float[] Coverage) Score(KeywordQuery query)
    {
        var scores = new float[_lengths.Length];
        var coverage = new float[_lengths.Length];
        foreach (var (term, weight) in query.Terms)
        {
            var idf = Idf(term);
            foreach (var (document, frequency) in _postings[term])
            {
                var norm = K1 * (1 - B + B * _lengths[document] / _averageLength);
                scores[document] += weight * idf * frequency * (K1 + 1) / (frequency + norm);
                coverage[document] = Math.Min(1f, coverage[document] + weight * idf / Math.Max(query.Information, 1e-6f));
            }
        }
        return (scores, coverage);
    }
}

/// <summary>
/// A parsed query: index terms with weights, the information (summed IDF) of its words, and each word (stemmed, stop
/// words dropped) with what it matches in the index: itself when the index knows it, else its typo corrections.
/// </summary>
public sealed record KeywordQuery(IReadOnlyDictionary<string, float> Terms, float Information, IReadOnlyList<IReadOnlyList<string>> Words);
