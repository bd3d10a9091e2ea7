using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>An ordered YAML map being rewritten: keys keep their order, new keys go at the end unless placed.</summary>
internal sealed class MapBuilder(SourceMark mark, IEnumerable<KeyValuePair<string, YamlNode>> entries)
{
    private readonly List<KeyValuePair<string, YamlNode>> _entries = [.. entries];

    public SourceMark Mark { get; } = mark;

    public static MapBuilder From(YamlMap map) => new(map.Mark, map.Entries);

    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => _entries;

    public YamlNode? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    public bool Has(string key) => _entries.Exists(e => e.Key == key);

    /// <summary>Replaces the value in place, or appends the key.</summary>
    public void Set(string key, YamlNode value)
    {
        var index = _entries.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            _entries[index] = new(key, value);
        }
        else
        {
            _entries.Add(new(key, value));
        }
    }

    public YamlNode? Remove(string key)
    {
        var index = _entries.FindIndex(e => e.Key == key);
        if (index < 0)
        {
            return null;
        }
        var value = _entries[index].Value;
        _entries.RemoveAt(index);
        return value;
    }

    /// <summary>Renames a key where it stands, so the document keeps its order.</summary>
    public void Rename(string from, string to)
    {
        var index = _entries.FindIndex(e => e.Key == from);
        _entries[index] = new(to, _entries[index].Value);
    }

    /// <summary>Puts the keys named in <paramref name="order"/> first, in that order; the others follow as they were.</summary>
    public void Order(IReadOnlyList<string> order)
    {
        var known = order.Where(Has).Select(k => _entries.First(e => e.Key == k)).ToList();
        var rest = _entries.Where(e => !order.Contains(e.Key)).ToList();
        _entries.Clear();
        _entries.AddRange(known);
        _entries.AddRange(rest);
    }

    public YamlMap Build() => new(Mark, [.. _entries]);

    public static YamlScalar Text(SourceMark mark, string text) => new(mark, ScalarKind.String, text);
}
