using System.Collections.Concurrent;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// Remembers what a pure check concluded about a text (a regex, an expression), so that the same text in another file
/// or another import is not compiled again: compiling them was a fifth of validating a tool file, and catalogs repeat
/// them (half of the 1,020 validation regexes and of the 1,272 estimate expressions in catalog/ are repeats; a
/// re-import repeats all). Bounded in entries and in key length, so hostile input cannot grow it: when full it starts
/// over, which costs a recompile, never a wrong verdict.
/// </summary>
internal sealed class TextVerdicts<TVerdict>(Func<string, TVerdict> check)
{
    private const int Capacity = 4096;
    private const int MaxKeyLength = 512;

    private readonly ConcurrentDictionary<string, TVerdict> _verdicts = new(StringComparer.Ordinal);

    public TVerdict Of(string text)
    {
        if (text.Length > MaxKeyLength)
        {
            return check(text);
        }
        if (_verdicts.TryGetValue(text, out var known))
        {
            return known;
        }
        if (_verdicts.Count >= Capacity)
        {
            _verdicts.Clear();
        }
        return _verdicts.GetOrAdd(text, check);
    }
}
