using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;
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
    /// Builds one page of the list from the snapshot (and the text search when the query has text) on every request: one
    /// pass over the tools, items written as bytes each tool keeps for its summary and full document. Measured cheaper
    /// than a cache lookup, and nothing to invalidate: a write to one tool changes only the pages it is on (their items,
    /// total or cursor) and every page's revision, with no entry of any other page to miss, rebuild or store in Redis.
    /// </summary>
    public static ToolPageResult BuildPage(ToolQuery query, CatalogSnapshot snapshot, CatalogSearch search, ListCursors cursors)
    {
        var textMatches = query.Text is null ? null : search.MatchingToolNames(query.Text);
        var page = new List<ServedTool>(Math.Min(query.Limit + 1, snapshot.Ordered.Count));
        var total = 0;
        foreach (var tool in snapshot.Ordered)
        {
            if (!query.Matches(tool, textMatches))
            {
                continue;
            }
            total++;
            if (page.Count <= query.Limit && (query.After is null || string.CompareOrdinal(tool.Name, query.After) > 0))
            {
                page.Add(tool);
            }
        }
        var hasMore = page.Count > query.Limit;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }
        return new ToolPageResult(page, query.Full, total, hasMore ? cursors.Encode(page[^1].Name) : null, snapshot.Revision);
    }

    private static void Enum(string field, string? value, string[] allowed, List<(string, string)> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add((field, $"'{value}' is not one of: {string.Join(", ", allowed)}"));
        }
    }
}
