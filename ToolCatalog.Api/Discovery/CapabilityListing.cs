using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Discovery;

/// <summary>
/// The capability vocabulary as served: every canonical capability with its aliases and the number of served tools
/// offering it (under its canonical name or an alias), and every name in use outside the vocabulary with its count.
/// </summary>
public static class CapabilityListing
{
    public static List<CapabilityFacet> Of(CatalogSnapshot snapshot, CapabilityVocabulary vocabulary)
    {
        // Match key -> the tools offering it and the names their files use for it.
        var used = new Dictionary<string, (HashSet<string> Tools, SortedSet<string> Names, string Description)>(StringComparer.Ordinal);
        foreach (var tool in snapshot.Ordered)
        {
            foreach (var capability in tool.Document.Capabilities)
            {
                var key = vocabulary.MatchKey(capability.Name);
                if (!used.TryGetValue(key, out var entry))
                {
                    used[key] = entry = (new HashSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal), capability.Description);
                }
                entry.Tools.Add(tool.Name);
                entry.Names.Add(capability.Name);
            }
        }
        var canonical = vocabulary.Capabilities.Select(c => used.GetValueOrDefault(c.Name) is { Tools: not null } u
            ? new CapabilityFacet(c.Name, c.Description, u.Tools.Count, true, c.Aliases, [.. u.Names])
            : new CapabilityFacet(c.Name, c.Description, 0, true, c.Aliases, []));
        var outside = used.Where(u => vocabulary.Find(u.Key) is null)
            .Select(u => new CapabilityFacet(u.Value.Names.Min!, u.Value.Description, u.Value.Tools.Count, false, [], [.. u.Value.Names]));
        return [.. canonical.Concat(outside).OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    /// <summary>Each capability of a served tool that a name (canonical, alias or another spelling) stands for.</summary>
    public static List<CapabilityTool> ToolsOffering(CatalogSnapshot snapshot, CapabilityVocabulary vocabulary, string capability)
    {
        var key = vocabulary.MatchKey(capability);
        return snapshot.Ordered
            .SelectMany(t => t.Document.Capabilities.Where(c => vocabulary.MatchKey(c.Name) == key).Select(c => (Tool: t, Capability: c)))
            .Select(x => new CapabilityTool(x.Tool.Name, x.Tool.Version, x.Tool.Document.Description, x.Capability.Patterns.Select(p => p.Name).ToArray(),
                x.Capability.Name))
            .ToList();
    }
}
