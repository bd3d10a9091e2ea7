using System.Runtime.CompilerServices;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Tools;

/// <summary>
/// What the tool list needs to answer a page without walking every tool: the tools of each platform, category, status
/// and enabled value, and all tools in case-insensitive name order (a <c>?name=</c> prefix is one range of it). At
/// 10,229 tools the walk made the read mix five times slower than at 229 (a list request touched every tool to filter
/// it and count the total). Each snapshot gets its own, built on the thread pool after the first list request asks for
/// it, one build at a time: requests that come meanwhile walk the tools as before. Building it on the request path made
/// every list request after a write sort the catalog at once, which at 10,000 tools and 20 writes a second took the
/// machine.
/// </summary>
internal sealed class ListIndex
{
    private static readonly ConditionalWeakTable<CatalogSnapshot, ListIndex> Built = [];
    private static int _building;

    private readonly Dictionary<(Field, string), ServedTool[]> _byField;
    private readonly ServedTool[] _byFoldedName;
    private readonly IReadOnlyList<ServedTool> _ordered;

    private enum Field
    {
        Platform,
        Category,
        Status,
        Enabled,
    }

    private ListIndex(CatalogSnapshot snapshot)
    {
        _ordered = snapshot.Ordered;
        var byField = new Dictionary<(Field, string), List<ServedTool>>();
        foreach (var tool in _ordered)
        {
            foreach (var key in FieldKeys(tool.Document.Platform, tool.Document.Category, tool.Status, tool.Enabled))
            {
                if (!byField.TryGetValue(key, out var tools))
                {
                    byField[key] = tools = [];
                }
                tools.Add(tool);
            }
        }
        _byField = byField.ToDictionary(p => p.Key, p => p.Value.ToArray());
        _byFoldedName = [.. _ordered];
        Array.Sort(_byFoldedName, static (a, b) =>
        {
            var folded = string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
            return folded != 0 ? folded : string.CompareOrdinal(a.Name, b.Name);
        });
    }

    /// <summary>The snapshot's index when it is built; otherwise null, and a build starts unless one is running.</summary>
    public static ListIndex? Find(CatalogSnapshot snapshot)
    {
        if (Built.TryGetValue(snapshot, out var index))
        {
            return index;
        }
        if (Interlocked.CompareExchange(ref _building, 1, 0) == 0)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    Built.AddOrUpdate(snapshot, new ListIndex(snapshot));
                }
                finally
                {
                    Volatile.Write(ref _building, 0);
                }
            });
        }
        return null;
    }

    /// <summary>The snapshot's index, built on this thread if need be.</summary>
    public static ListIndex Of(CatalogSnapshot snapshot) => Built.GetValue(snapshot, s => new ListIndex(s));

    /// <summary>
    /// Tools that include every match of the query, the fewest the index has: a <c>?name=</c> prefix range (not in name
    /// order), the tools of one filtered field (in name order), or all tools. <c>Exact</c> when every one of them matches.
    /// </summary>
    public (IReadOnlyList<ServedTool> Tools, bool InNameOrder, bool Exact) Candidates(ToolQuery query)
    {
        var others = query.Tag is null && query.Capability is null && query.Text is null;
        var fields = FieldKeys(query.Platform, query.Category, query.Status, query.Enabled).ToList();
        // Tool names are ASCII (the database refuses others); a prefix that is not is left to the walk.
        if (query.NamePrefix is { } prefix && prefix.All(char.IsAscii))
        {
            return (PrefixRange(prefix), false, others && fields.Count == 0);
        }
        if (fields.Count > 0)
        {
            var smallest = fields.Select(k => _byField.GetValueOrDefault(k) ?? []).MinBy(list => list.Length)!;
            return (smallest, true, others && query.NamePrefix is null && fields.Count == 1);
        }
        return (_ordered, true, others && query.NamePrefix is null);
    }

    /// <summary>The position of the first tool named after <paramref name="after"/> in a list in name order (0 without a cursor).</summary>
    public static int FirstAfter(IReadOnlyList<ServedTool> tools, string? after) =>
        after is null ? 0 : FirstNotBefore(tools.Count, i => string.CompareOrdinal(tools[i].Name, after) <= 0);

    private ArraySegment<ServedTool> PrefixRange(string prefix)
    {
        int Order(int i) => string.Compare(_byFoldedName[i].Name, 0, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase);
        var start = FirstNotBefore(_byFoldedName.Length, i => Order(i) < 0);
        return new ArraySegment<ServedTool>(_byFoldedName, start, FirstNotBefore(_byFoldedName.Length, i => Order(i) <= 0) - start);
    }

    /// <summary>Binary search: the first position in [0, count) where <paramref name="before"/> no longer holds (it holds for a prefix of the positions).</summary>
    private static int FirstNotBefore(int count, Func<int, bool> before)
    {
        var (low, high) = (0, count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = before(middle) ? (middle + 1, high) : (low, middle);
        }
        return low;
    }

    private static IEnumerable<(Field, string)> FieldKeys(string? platform, string? category, string? status, bool? enabled)
    {
        if (platform is not null)
        {
            yield return (Field.Platform, platform);
        }
        if (category is not null)
        {
            yield return (Field.Category, category);
        }
        if (status is not null)
        {
            yield return (Field.Status, status);
        }
        if (enabled is { } e)
        {
            yield return (Field.Enabled, e ? "true" : "false");
        }
    }
}
