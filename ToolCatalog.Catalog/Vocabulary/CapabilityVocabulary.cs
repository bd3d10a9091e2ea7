using System.Collections.Frozen;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Vocabulary;

/// <summary>A canonical capability: the name tool files use, what it means, and the other names that mean it.</summary>
public sealed record CanonicalCapability(string Name, string Description, IReadOnlyList<string> Aliases);

/// <summary>
/// The shared capability vocabulary (<c>Vocabulary/capabilities.yaml</c>, embedded): canonical capabilities and their
/// aliases, looked up case-insensitively with '-', ' ' and '_' alike. Open: a name outside it is simply not canonical,
/// because other catalogs have names of their own. Immutable; <see cref="With"/> makes a new one.
/// </summary>
public sealed class CapabilityVocabulary
{
    private const string ResourceName = "ToolCatalog.Catalog.Vocabulary.capabilities.yaml";

    private static readonly Lazy<CapabilityVocabulary> Embedded = new(LoadEmbedded);

    private readonly FrozenDictionary<string, CanonicalCapability> _byKey;

    // The trigrams of every capability's name and aliases, by canonical name, made on first use: suggestions for one
    // unknown name compare it with all of them, and making them again on every call was 0.6 ms per name, which every PUT
    // of a tool with a capability outside the vocabulary paid.
    private readonly Lazy<Dictionary<string, ulong[][]>> _trigrams;

    /// <summary>The vocabulary shipped with the catalog.</summary>
    public static CapabilityVocabulary BuiltIn => Embedded.Value;

    /// <summary>Canonical capabilities in the order they are defined.</summary>
    public IReadOnlyList<CanonicalCapability> Capabilities { get; }

    private CapabilityVocabulary(IReadOnlyList<CanonicalCapability> capabilities)
    {
        var byKey = new Dictionary<string, CanonicalCapability>(StringComparer.Ordinal);
        foreach (var capability in capabilities)
        {
            foreach (var name in capability.Aliases.Prepend(capability.Name))
            {
                var key = Key(name);
                if (byKey.TryGetValue(key, out var other) && other.Name != capability.Name)
                {
                    throw new InvalidOperationException($"capability vocabulary: '{name}' means both '{other.Name}' and '{capability.Name}'");
                }
                byKey[key] = capability;
            }
        }
        Capabilities = capabilities;
        _byKey = byKey.ToFrozenDictionary(StringComparer.Ordinal);
        _trigrams = new(() => capabilities.ToDictionary(c => c.Name, c => c.Aliases.Prepend(c.Name).Select(Trigrams.Of).ToArray(), StringComparer.Ordinal));
    }

    /// <summary>The form names are compared in: lower case, runs of '-', '_' and white space as one '_', none at the ends.</summary>
    public static string Key(string name)
    {
        if (IsKey(name))
        {
            return name; // the usual case (names in tool files): no copy on the matching path
        }
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c is '-' or '_' || char.IsWhiteSpace(c))
            {
                if (length > 0 && buffer[length - 1] != '_')
                {
                    buffer[length++] = '_';
                }
                continue;
            }
            buffer[length++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..(length > 0 && buffer[length - 1] == '_' ? length - 1 : length)]);
    }

    private static bool IsKey(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '_' && i > 0 && i < name.Length - 1 && name[i - 1] != '_');
            if (!ok)
            {
                return false;
            }
        }
        return name.Length > 0;
    }

    /// <summary>The canonical capability a name stands for (itself or one of its aliases), or null outside the vocabulary.</summary>
    public CanonicalCapability? Find(string name) => _byKey.GetValueOrDefault(Key(name));

    /// <summary>
    /// The name two capability names are matched by: the canonical name for a name in the vocabulary, the normalised
    /// name otherwise, so a file's legacy alias and a request's canonical name meet (and so do two unknown spellings).
    /// </summary>
    public string MatchKey(string name) => Find(name)?.Name ?? Key(name);

    /// <summary>The canonical capabilities whose name or aliases are closest to <paramref name="name"/> (trigram similarity).</summary>
    public IReadOnlyList<string> Closest(string name, int max) => Trigrams.Closest(name, _trigrams.Value.Select(p => (p.Key, p.Value)), max);

    /// <summary>
    /// The trigrams of a canonical capability's name and aliases, as <see cref="Closest"/> compares them (see
    /// <see cref="Trigrams.Of"/>); null for a name that is not a canonical capability of this vocabulary.
    /// </summary>
    public ulong[][]? TrigramsOf(string canonicalName) => _trigrams.Value.GetValueOrDefault(canonicalName);

    /// <summary>
    /// This vocabulary plus a deployment's additions: a new name is a new canonical capability; a name already in the
    /// vocabulary (canonical or alias) adds its aliases to that capability, whose description stays.
    /// </summary>
    public CapabilityVocabulary With(IEnumerable<CanonicalCapability> additions)
    {
        var merged = Capabilities.ToList();
        foreach (var addition in additions)
        {
            var aliases = addition.Aliases.Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
            var index = merged.FindIndex(c => Key(c.Name) == Key(addition.Name) || c.Aliases.Any(a => Key(a) == Key(addition.Name)));
            if (index >= 0)
            {
                merged[index] = merged[index] with { Aliases = [.. merged[index].Aliases.Concat(aliases).Distinct(StringComparer.Ordinal)] };
            }
            else
            {
                merged.Add(addition with { Aliases = aliases });
            }
        }
        return new CapabilityVocabulary(merged);
    }

    /// <summary>Reads a vocabulary file: <c>capabilities: {name: {description, aliases: [..]}}</c>.</summary>
    public static CapabilityVocabulary Parse(string yaml, string file)
    {
        var problems = new List<CatalogProblem>();
        var root = YamlReader.ReadAll(yaml, file, problems).SingleOrDefault() as YamlMap;
        if (problems.Count > 0 || root?["capabilities"] is not YamlMap capabilities)
        {
            throw new InvalidOperationException($"{file}: not a capability vocabulary {string.Join("; ", problems)}");
        }
        return new CapabilityVocabulary([.. capabilities.Entries.Select(e => Capability(e.Key, e.Value, file))]);
    }

    private static CanonicalCapability Capability(string name, YamlNode node, string file)
    {
        if (!CatalogRules.MemberName().IsMatch(name) || node is not YamlMap { } map
            || map["description"] is not YamlScalar { Kind: ScalarKind.String } description)
        {
            throw new InvalidOperationException($"{file}:{node.Mark}: capability '{name}' needs a lower_snake_case name and a description");
        }
        var aliases = (map["aliases"] as YamlSequence)?.Items.OfType<YamlScalar>().Select(s => s.Text).ToArray() ?? [];
        return new CanonicalCapability(name, description.Text, aliases);
    }

    private static CapabilityVocabulary LoadEmbedded()
    {
        using var stream = typeof(CapabilityVocabulary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("capabilities.yaml is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "capabilities.yaml");
    }
}
