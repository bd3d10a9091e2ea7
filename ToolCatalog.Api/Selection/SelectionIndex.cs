using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// A snapshot's selectable patterns grouped by capability, built on first use and kept with the snapshot (a weak
/// table keyed by the snapshot instance: a new snapshot gets a new index, the old one goes with its snapshot).
/// Only enabled tools with status <c>active</c> take part; each served tool is its latest version.
/// </summary>
public sealed class SelectionIndex
{
    private static readonly ConditionalWeakTable<CatalogSnapshot, SelectionIndex> Indexes = new();

    /// <summary>Capability name → its patterns, ordered by tool then pattern name (ordinal).</summary>
    public FrozenDictionary<string, SelectablePattern[]> ByCapability { get; }

    /// <summary>Every capability name offered by a selectable tool, ordinal order (the vocabulary hints draw from).</summary>
    public IReadOnlyList<string> CapabilityNames { get; }

    private SelectionIndex(CatalogSnapshot snapshot)
    {
        ByCapability = snapshot.Ordered
            .Where(t => t.Enabled && t.Status == "active")
            .SelectMany(t => SelectablePattern.Of(t.Document))
            .GroupBy(p => p.Capability, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.OrderBy(p => p.Tool, StringComparer.Ordinal).ThenBy(p => p.Pattern, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
        CapabilityNames = ByCapability.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public static SelectionIndex Of(CatalogSnapshot snapshot) => Indexes.GetValue(snapshot, static s => new SelectionIndex(s));
}
