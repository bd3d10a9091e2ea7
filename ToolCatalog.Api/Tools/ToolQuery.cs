using System.Buffers.Text;
using System.Text;
using ToolCatalog.Api.Profiles;
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
        string? q, string? limit, string? cursor, string? view)
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
        if (cursor is not null && (after = DecodeCursor(cursor)) is null)
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

    /// <summary>Cursors are opaque: a version tag and the last name of the page, base64url-encoded.</summary>
    public static string EncodeCursor(string lastName) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("c1:" + lastName));

    private static string? DecodeCursor(string cursor)
    {
        if (cursor.Length > 300 || !Base64Url.IsValid(cursor))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        return text.StartsWith("c1:", StringComparison.Ordinal) && text.Length > 3 ? text[3..] : null;
    }

    private static void Enum(string field, string? value, string[] allowed, List<(string, string)> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add((field, $"'{value}' is not one of: {string.Join(", ", allowed)}"));
        }
    }
}
