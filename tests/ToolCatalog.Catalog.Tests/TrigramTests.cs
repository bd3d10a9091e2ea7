using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Trigram similarity and the suggestions built on it, held to pg_trgm's definition written out plainly here: string
/// trigrams of each lower-cased word padded with two spaces before and one after, shared over all.
/// </summary>
public sealed class TrigramTests
{
    private static HashSet<string> PlainTrigrams(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var words = new string([.. text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ')]);
        foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = "  " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                set.Add(padded.Substring(i, 3));
            }
        }
        return set;
    }

    private static double PlainSimilarity(string a, string b)
    {
        var (x, y) = (PlainTrigrams(a), PlainTrigrams(b));
        if (x.Count == 0 || y.Count == 0)
        {
            return 0;
        }
        var shared = x.Count(y.Contains);
        return (double)shared / (x.Count + y.Count - shared);
    }

    private static string RandomName(Random random)
    {
        // Letters that repeat often, digits, separators, upper case, and non-ASCII letters that share their low byte
        // with an ASCII one (ж and 6, ı and 1): trigrams that agree in part, words of one and two letters, and names
        // with no word at all.
        const string alphabet = "aaeeiosstnrl_-016 AZéßжı";
        return new string([.. Enumerable.Range(0, random.Next(0, 14)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
    }

    [Fact]
    public void Similarity_is_pg_trgm_similarity_for_random_names()
    {
        var random = new Random(20261206);
        for (var i = 0; i < 20_000; i++)
        {
            var (a, b) = (RandomName(random), random.Next(4) == 0 ? RandomName(random) : Mutate(RandomName(random), random));
            Assert.Equal(PlainSimilarity(a, b), Trigrams.Similarity(Trigrams.Of(a), Trigrams.Of(b)), 12);
        }

        static string Mutate(string name, Random random) =>
            name.Length == 0 ? "x" : name.Remove(random.Next(name.Length), 1).Insert(random.Next(name.Length), "e");
    }

    [Fact]
    public void Suggestions_are_the_capabilities_whose_name_or_alias_is_closest()
    {
        var vocabulary = CapabilityVocabulary.BuiltIn;
        var random = new Random(7);
        var forms = vocabulary.Capabilities.SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
        // Misspellings of real names and aliases (a letter dropped, doubled or swapped), and random names.
        var names = forms.Select(f => Misspell(f, random)).Concat(Enumerable.Range(0, 200).Select(_ => RandomName(random))).ToList();
        foreach (var name in names)
        {
            var expected = vocabulary.Capabilities
                .Select(c => (c.Name, Similarity: c.Aliases.Prepend(c.Name).Max(form => PlainSimilarity(name, form))))
                .Where(x => x.Similarity >= Trigrams.MinSimilarity)
                .OrderByDescending(x => x.Similarity).ThenBy(x => x.Name, StringComparer.Ordinal)
                .Take(3).Select(x => x.Name);
            Assert.Equal(expected, vocabulary.Closest(name, 3));
        }

        static string Misspell(string form, Random random)
        {
            var at = random.Next(form.Length);
            return random.Next(3) switch
            {
                0 => form.Remove(at, 1),
                1 => form.Insert(at, form[at].ToString()),
                _ => at + 1 < form.Length ? form[..at] + form[at + 1] + form[at] + form[(at + 2)..] : form + "s",
            };
        }
    }
}
