using System.Text.Json.Nodes;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api;

/// <summary>
/// PostgreSQL text and jsonb cannot hold U+0000: a NUL in a query value, a route value or a body would end as a
/// database error (500). These checks turn it into a 4xx naming where the NUL is, before anything is read or written.
/// </summary>
public static class TextGuard
{
    /// <summary>Rejects (400, with the parameter's path) any query or route value holding a NUL character.</summary>
    public static TBuilder RejectNulCharacters<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) =>
        {
            // Runs on every read: a scan without allocations (not even an async state machine), and the list of
            // offenders only when there is one.
            var request = context.HttpContext.Request;
            if (HasNul(request))
            {
                var bad = request.Query.Where(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
                    .Select(q => q.Key.Replace("\0", "\\0", StringComparison.Ordinal))
                    .Concat(request.RouteValues.Where(r => r.Value is string s && s.Contains('\0', StringComparison.Ordinal)).Select(r => r.Key))
                    .ToList();
                return ValueTask.FromResult<object?>(
                    ProblemResponses.QueryProblem(context.HttpContext, bad.Select(b => (b, "must not contain NUL (U+0000) characters"))));
            }
            return next(context);
        });

    private static bool HasNul(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
        {
            if (key.Contains('\0', StringComparison.Ordinal))
            {
                return true;
            }
            foreach (var value in values)
            {
                if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        foreach (var (_, value) in request.RouteValues)
        {
            if (value is string text && text.Contains('\0', StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The path of the first key or string value holding a NUL character, or null when there is none.</summary>
    public static string? NulPath(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        return child.Replace("\0", "\\0", StringComparison.Ordinal);
                    }
                    if (NulPath(value, child) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (NulPath(list[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                return value.GetValue<string>().Contains('\0', StringComparison.Ordinal) ? path : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// A parsed document that cannot be stored because of a NUL becomes invalid, with the problem at its path. JSON text
    /// always writes a NUL as <c>\u0000</c>, so a canonical document without that sequence has none and is not parsed
    /// again to be walked: that walk was most of the CPU of re-importing 10,000 unchanged files.
    /// </summary>
    public static ParsedTool RejectNul(ParsedTool parsed) =>
        parsed.Tool is { } tool && tool.CanonicalJson.Contains(@"\u0000", StringComparison.Ordinal) && NulPath(tool.ToJsonObject()) is { } path
            ? new ParsedTool(parsed.File, parsed.Index, null,
                [.. parsed.Problems, CatalogProblem.Error(parsed.File, Catalog.Yaml.SourceMark.None, path, "must not contain NUL (U+0000) characters")])
            : parsed;
}
