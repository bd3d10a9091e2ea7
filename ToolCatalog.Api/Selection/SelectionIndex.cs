using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// A snapshot's selectable patterns grouped by capability, built on first use and kept with the snapshot (a weak
/// table keyed by the snapshot instance: a new snapshot gets a new index, the old one goes with its snapshot).
/// Only enabled tools with status <c>active</c> take part; each served tool is its latest version. Patterns are grouped
/// by the capability's match key (<see cref="CapabilityVocabulary.MatchKey"/>), so a file still using an alias or a
/// differently spelled name is found by the canonical name, and the other way round.
/// </summary>
public sealed class SelectionIndex
{
    private static readonly ConditionalWeakTable<CatalogSnapshot, SelectionIndex> Indexes = new();

    /// <summary>Capability match key → its patterns, ordered by tool, pattern then capability name (ordinal).</summary>
    public FrozenDictionary<string, SelectablePattern[]> ByCapability { get; }

    /// <summary>Every capability match key offered by a selectable tool, ordinal order (the names hints draw from).</summary>
    public IReadOnlyList<string> CapabilityNames { get; }

    /// <summary>The vocabulary the index was grouped with: a request's names are matched with the same one.</summary>
    public CapabilityVocabulary Vocabulary { get; }

    /// <summary>
    /// Each of <see cref="CapabilityNames"/> with the trigrams of its name and its aliases, gathered when a hint first asks
    /// (the vocabulary's own for its capabilities): making them for every hint cost half a millisecond, which any request
    /// naming an unknown capability could ask for.
    /// </summary>
    public IReadOnlyList<(string Name, ulong[][] Forms)> HintForms => _hintForms.Value;

    private readonly Lazy<(string Name, ulong[][] Forms)[]> _hintForms;

    private SelectionIndex(CatalogSnapshot snapshot, CapabilityVocabulary vocabulary)
    {
        Vocabulary = vocabulary;
        ByCapability = snapshot.Ordered
            .Where(t => t.Enabled && t.Status == "active")
            .SelectMany(t => SelectablePattern.Of(t.Document))
            .GroupBy(p => vocabulary.MatchKey(p.Capability), StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.OrderBy(p => p.Tool, StringComparer.Ordinal).ThenBy(p => p.Pattern, StringComparer.Ordinal)
                    .ThenBy(p => p.Capability, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
        CapabilityNames = ByCapability.Keys.Order(StringComparer.Ordinal).ToArray();
        // A name is its match key: the canonical name of a vocabulary capability, whose trigrams the vocabulary holds.
        _hintForms = new(() => [.. CapabilityNames.Select(name => (name, vocabulary.TrigramsOf(name) ?? [Trigrams.Of(name)]))]);
    }

    /// <summary>
    /// The snapshot's index. The vocabulary is the deployment's, one per process: an index built with another (only a
    /// test host would have one) is rebuilt.
    /// </summary>
    public static SelectionIndex Of(CatalogSnapshot snapshot, CapabilityVocabulary vocabulary)
    {
        if (Indexes.TryGetValue(snapshot, out var index) && ReferenceEquals(index.Vocabulary, vocabulary))
        {
            return index;
        }
        index = new SelectionIndex(snapshot, vocabulary);
        Indexes.AddOrUpdate(snapshot, index);
        return index;
    }
}
