using System.Diagnostics.CodeAnalysis;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// The variables of one candidate as its expressions read them, resolved from the request, then the pattern's
/// defaults. One instance serves a whole request: each candidate is resolved into the same arrays in turn, so scoring
/// dozens of candidates allocates no dictionary per candidate. It is the dictionary the compiled expressions read
/// (by name, over a handful of entries); only the resolved variables are in it.
/// </summary>
public sealed class ResolvedVariables : IReadOnlyDictionary<string, double>
{
    public const string FromRequest = "request";

    private IReadOnlyList<string> _names = [];
    private double[] _values = new double[8];
    private string?[] _sources = new string?[8];

    /// <summary>
    /// Resolves every variable of <paramref name="pattern"/> from <paramref name="requested"/>, then its defaults;
    /// false when one has neither (<see cref="SourceAt"/> is then null for it).
    /// </summary>
    public bool Resolve(SelectablePattern pattern, IReadOnlyDictionary<string, double> requested)
    {
        _names = pattern.Variables;
        if (_values.Length < _names.Count)
        {
            _values = new double[_names.Count];
            _sources = new string?[_names.Count];
        }
        var complete = true;
        for (var i = 0; i < _names.Count; i++)
        {
            if (requested.TryGetValue(_names[i], out var value))
            {
                (_values[i], _sources[i]) = (value, FromRequest);
            }
            else if (pattern.Defaults[i] is { } fallback)
            {
                (_values[i], _sources[i]) = (fallback.Value, fallback.Source);
            }
            else
            {
                (_values[i], _sources[i], complete) = (double.NaN, null, false);
            }
        }
        return complete;
    }

    /// <summary>The value of the pattern's i-th variable (<see cref="SelectablePattern.Variables"/> order).</summary>
    public double ValueAt(int i) => _values[i];

    /// <summary>Where the i-th variable's value came from; null when it has none.</summary>
    public string? SourceAt(int i) => _sources[i];

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        for (var i = 0; i < _names.Count; i++)
        {
            if (_sources[i] is not null && string.Equals(_names[i], key, StringComparison.Ordinal))
            {
                value = _values[i];
                return true;
            }
        }
        value = 0;
        return false;
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public int Count => Enumerable.Range(0, _names.Count).Count(i => _sources[i] is not null);

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<double> Values => this.Select(p => p.Value);

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < _names.Count; i++)
        {
            if (_sources[i] is not null)
            {
                yield return new(_names[i], _values[i]);
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
