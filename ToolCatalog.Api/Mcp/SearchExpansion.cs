using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;

namespace ToolCatalog.Api.Mcp;

/// <summary>
/// Turns catalog search hits (tools, capabilities and patterns) into the patterns an agent can call: a pattern hit is
/// itself, a capability or tool hit stands for its patterns, in hit order, each pattern once.
/// </summary>
internal static class SearchExpansion
{
    private const int MaxDescriptionLength = 160;

    public static IReadOnlyList<FoundPattern> Patterns(CatalogSnapshot snapshot, IReadOnlyList<SearchHit> hits, int limit)
    {
        var found = new List<FoundPattern>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var hit in hits)
        {
            if (snapshot.Find(hit.Tool) is not { } tool)
            {
                continue;
            }
            var patterns = tool.Document.Capabilities
                .Where(c => hit.Capability is null || c.Name == hit.Capability)
                .SelectMany(c => c.Patterns.Where(p => hit.Pattern is null || p.Name == hit.Pattern).Select(p => (Capability: c.Name, Pattern: p)));
            foreach (var (capability, pattern) in patterns)
            {
                if (!seen.Add((tool.Name, capability, pattern.Name)))
                {
                    continue;
                }
                found.Add(new FoundPattern(found.Count + 1, tool.Name, tool.Version, tool.Document.Platform, capability, pattern.Name,
                    OneLine(pattern.Description), FunctionNames.For(tool.Name, capability, pattern.Name), hit.Rank));
                if (found.Count == limit)
                {
                    return found;
                }
            }
        }
        return found;
    }

    /// <summary>The first line of a description, cut at a word near the limit: enough to choose, short enough for a context window.</summary>
    private static string OneLine(string description)
    {
        var line = description.Split('\n', 2)[0].Trim();
        if (line.Length <= MaxDescriptionLength)
        {
            return line;
        }
        var cut = line.LastIndexOf(' ', MaxDescriptionLength - 1);
        return line[..(cut > 0 ? cut : MaxDescriptionLength - 1)] + "…";
    }
}
