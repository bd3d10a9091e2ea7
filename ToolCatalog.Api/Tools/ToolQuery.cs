using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Tools;

/// <summary>
/// The list filters of GET /api/v1/tools, validated; an invalid value yields a (path, message) error. <see cref="Capability"/>
/// is held as its match key in <see cref="Vocabulary"/>: an alias, the canonical name or another spelling of it find the
/// same tools, whichever of these names their files use.
/// </summary>
public sealed record ToolQuery(string? Platform, string? Category, string? Status, bool? Enabled, string? Tag, string? Capability,
    string? NamePrefix, string? Text, int Limit, string? After, bool Full, CapabilityVocabulary Vocabulary)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static (ToolQuery? Query, List<(string Field, string Message)> Errors) Parse(
        string? platform, string? category, string? status, string? enabled, string? tag, string? capability, string? name,
        string? q, string? limit, string? cursor, string? view, ListCursors cursors, CapabilityVocabulary vocabulary)
    {
        var errors = new List<(string, string)>();
        Enum("platform", platform, CatalogRules.Platforms, errors);
        Enum("category", category, CatalogRules.Categories, errors);
        Enum("status", status, CatalogRules.Statuses, errors);
        bool? enabledValue = null;
        if (enabled is not null)
        {
            if (bool.TryParse(enabled, out var e))
            {
                enabledValue = e;
            }
            else
            {
                errors.Add(("enabled", "must be true or false"));
            }
        }
        if (!QueryLimit.TryParse(limit, DefaultLimit, MaxLimit, out var limitValue))
        {
            errors.Add(("limit", QueryLimit.Error(MaxLimit)));
        }
        string? after = null;
        if (cursor is not null && (after = cursors.Decode(cursor)) is null)
        {
            errors.Add(("cursor", "is not a cursor this API issued (pass nextCursor back unchanged)"));
        }
        if (view is not null and not ("summary" or "full"))
        {
            errors.Add(("view", "must be summary or full"));
        }
        if (q is { Length: > 200 })
        {
            errors.Add(("q", "must be at most 200 characters"));
        }
        if (name is { Length: > 100 })
        {
            errors.Add(("name", "must be at most 100 characters"));
        }
        return errors.Count > 0
            ? (null, errors)
            : (new ToolQuery(platform, category, status, enabledValue, tag, capability is null ? null : vocabulary.MatchKey(capability), name,
                string.IsNullOrWhiteSpace(q) ? null : q.Trim(), limitValue, after, view == "full", vocabulary), errors);
    }

    public bool Matches(ServedTool tool, IReadOnlySet<string>? textMatches) =>
        (Platform is null || tool.Document.Platform == Platform)
        && (Category is null || tool.Document.Category == Category)
        && (Status is null || tool.Status == Status)
        && (Enabled is null || tool.Enabled == Enabled)
        && (Tag is null || tool.Document.Tags.Contains(Tag, StringComparer.Ordinal))
        && (Capability is null || OffersCapability(tool))
        && (NamePrefix is null || tool.Name.StartsWith(NamePrefix, StringComparison.OrdinalIgnoreCase))
        && (textMatches is null || textMatches.Contains(tool.Name));

    private bool OffersCapability(ServedTool tool) => tool.Document.Capabilities.Any(c => Vocabulary.MatchKey(c.Name) == Capability);

    /// <summary>
    /// Builds one page of the list from the snapshot on every request, items written as bytes each tool keeps for its
    /// summary and full document: nothing to cache or invalidate.
    /// </summary>
    public static ToolPageResult BuildPage(ToolQuery query, CatalogSnapshot snapshot, IReadOnlySet<string>? textMatches, ListCursors cursors)
    {
        var (page, total, hasMore) = Page(query, snapshot, textMatches);
        return new ToolPageResult(page, query.Full, total, hasMore ? cursors.Encode(page[^1].Name) : null, snapshot.Revision);
    }

    /// <summary>
    /// The tools of the page (in name order, after the cursor), how many tools match in all, and whether more follow.
    /// A page costs about its length, and the total is a known count, unless a filter the snapshot does not group by
    /// (tag, capability, text, or two fields at once) has to be checked tool by tool.
    /// </summary>
    internal static (List<ServedTool> Page, int Total, bool HasMore) Page(ToolQuery query, CatalogSnapshot snapshot, IReadOnlySet<string>? textMatches)
    {
        var (candidates, inNameOrder, exact) = query.Candidates(snapshot);
        int total, afterCursor;
        if (exact && inNameOrder)
        {
            (total, afterCursor) = (candidates.Count, candidates.Count - FirstAfter(candidates, query.After));
        }
        else
        {
            (total, afterCursor) = (0, 0);
            foreach (var tool in candidates)
            {
                if (exact || query.Matches(tool, textMatches))
                {
                    total++;
                    afterCursor += query.After is null || string.CompareOrdinal(tool.Name, query.After) > 0 ? 1 : 0;
                }
            }
        }
        // One more than the page, to know whether another follows; the walk stops once no match is left after it.
        var wanted = Math.Min(query.Limit + 1, afterCursor);
        var walk = inNameOrder ? candidates : snapshot.Ordered;
        var page = new List<ServedTool>(wanted);
        for (var i = FirstAfter(walk, query.After); i < walk.Count && page.Count < wanted; i++)
        {
            if ((exact && inNameOrder) || query.Matches(walk[i], textMatches))
            {
                page.Add(walk[i]);
            }
        }
        var hasMore = page.Count > query.Limit;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }
        return (page, total, hasMore);
    }

    /// <summary>
    /// Tools that include every match of the query, the fewest the snapshot has: a <c>?name=</c> prefix range (not in
    /// name order), the tools of one filtered field (in name order), or all tools. <c>Exact</c> when every one of them matches.
    /// </summary>
    private (IReadOnlyList<ServedTool> Tools, bool InNameOrder, bool Exact) Candidates(CatalogSnapshot snapshot)
    {
        var others = Tag is null && Capability is null && Text is null;
        var fields = CatalogSnapshot.Fields(Platform, Category, Status, Enabled).ToList();
        // Tool names are ASCII (the database refuses others); a prefix that is not is left to the walk over all tools.
        if (NamePrefix is { } prefix && prefix.All(char.IsAscii))
        {
            return (snapshot.NamedWithPrefix(prefix), false, others && fields.Count == 0);
        }
        if (fields.Count > 0)
        {
            var smallest = fields.Select(f => snapshot.ToolsWith(f.Field, f.Value)).MinBy(tools => tools.Count)!;
            return (smallest, true, others && NamePrefix is null && fields.Count == 1);
        }
        return (snapshot.Ordered, true, others && NamePrefix is null);
    }

    /// <summary>The position of the first tool named after <paramref name="after"/> in a list in name order (0 without a cursor).</summary>
    private static int FirstAfter(IReadOnlyList<ServedTool> tools, string? after) =>
        after is null ? 0 : SortedTools.FirstNotBefore(tools.Count, i => string.CompareOrdinal(tools[i].Name, after) <= 0);

    private static void Enum(string field, string? value, string[] allowed, List<(string, string)> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add((field, $"'{value}' is not one of: {string.Join(", ", allowed)}"));
        }
    }
}
