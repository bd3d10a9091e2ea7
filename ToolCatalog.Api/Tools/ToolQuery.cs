using System.Buffers;
using System.Text.Json;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Tools;

/// <summary>The list filters of GET /api/v1/tools, validated; an invalid value yields a (path, message) error.</summary>
public sealed record ToolQuery(string? Platform, string? Category, string? Status, bool? Enabled, string? Tag, string? Capability,
    string? NamePrefix, string? Text, int Limit, string? After, bool Full)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static (ToolQuery? Query, List<(string Field, string Message)> Errors) Parse(
        string? platform, string? category, string? status, string? enabled, string? tag, string? capability, string? name,
        string? q, string? limit, string? cursor, string? view, ListCursors cursors)
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
            : (new ToolQuery(platform, category, status, enabledValue, tag, capability, name, string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
                limitValue, after, view == "full"), errors);
    }

    /// <summary>
    /// Whether the page may be cached: only when its key is drawn from a small set. Enumerated filters, a tag or
    /// capability the catalog has, and the default or largest page size qualify; text, name prefixes, cursors and other
    /// page sizes are computed from the in-memory snapshot on each request instead, so a client varying them cannot
    /// fill the cache (an entry of 500 full tools is about a megabyte and lives an hour in Redis).
    /// </summary>
    public bool IsCacheable(CatalogSnapshot snapshot) =>
        After is null && Text is null && NamePrefix is null && Limit is DefaultLimit or MaxLimit
        && (Tag is null || snapshot.Ordered.Any(t => t.Document.Tags.Contains(Tag, StringComparer.Ordinal)))
        && (Capability is null || snapshot.Ordered.Any(t => t.Document.Capabilities.Any(c => c.Name == Capability)));

    /// <summary>The query in one canonical string: equal queries share a cache entry whatever the parameter order.</summary>
    public string CacheKey => string.Join('|', Platform, Category, Status, Enabled, Tag, Capability, NamePrefix?.ToLowerInvariant(), Text, Limit, After, Full ? "full" : "summary");

    public bool Matches(ServedTool tool, IReadOnlySet<string>? textMatches) =>
        (Platform is null || tool.Document.Platform == Platform)
        && (Category is null || tool.Document.Category == Category)
        && (Status is null || tool.Status == Status)
        && (Enabled is null || tool.Enabled == Enabled)
        && (Tag is null || tool.Document.Tags.Contains(Tag, StringComparer.Ordinal))
        && (Capability is null || tool.Document.Capabilities.Any(c => c.Name == Capability))
        && (NamePrefix is null || tool.Name.StartsWith(NamePrefix, StringComparison.OrdinalIgnoreCase))
        && (textMatches is null || textMatches.Contains(tool.Name));

    /// <summary>Builds one page of the list from the snapshot (and the text search when the query has text).</summary>
    public static ValueTask<CachedResponse> BuildPageAsync((ToolQuery Query, CatalogSnapshot Snapshot, CatalogSearch Search, ListCursors Cursors) s,
        CancellationToken cancellationToken)
    {
        var (query, snapshot, search, cursors) = s;
        var textMatches = query.Text is null ? null : search.MatchingToolNames(query.Text);
        var matching = snapshot.Ordered.Where(t => query.Matches(t, textMatches)).ToList();
        var page = matching.Where(t => query.After is null || string.CompareOrdinal(t.Name, query.After) > 0).Take(query.Limit + 1).ToList();
        var hasMore = page.Count > query.Limit;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }
        // A ToolPage, written by hand so full documents go in as the bytes the snapshot already holds: pages that are not
        // cached are built on every request, and parsing each document again cost several times the rest.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var tool in page)
            {
                if (query.Full)
                {
                    writer.WriteRawValue(tool.Utf8Json, skipInputValidation: true);
                }
                else
                {
                    ToolRepresentation.SummaryElement(tool).WriteTo(writer);
                }
            }
            writer.WriteEndArray();
            writer.WriteNumber("count", page.Count);
            writer.WriteNumber("total", matching.Count);
            writer.WriteString("nextCursor", hasMore ? cursors.Encode(page[^1].Name) : null);
            writer.WriteNumber("revision", snapshot.Revision);
            writer.WriteEndObject();
        }
        return ValueTask.FromResult(new CachedResponse(buffer.WrittenSpan.ToArray(), "", snapshot.Revision));
    }

    private static void Enum(string field, string? value, string[] allowed, List<(string, string)> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add((field, $"'{value}' is not one of: {string.Join(", ", allowed)}"));
        }
    }
}
