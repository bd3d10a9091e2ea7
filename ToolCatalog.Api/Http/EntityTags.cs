namespace ToolCatalog.Api;

/// <summary>
/// Entity-tag lists as If-Match and If-None-Match carry them (<c>"a", W/"b"</c> or <c>*</c>). Tags are compared by
/// their opaque value: the catalog's tags are strong, and a weak copy of one names the same representation here.
/// </summary>
public static class EntityTags
{
    /// <summary>True when the header names <paramref name="current"/> or is <c>*</c> and there is a current tag.</summary>
    public static bool Matches(string header, string? current) =>
        current is not null && header.Split(',').Select(t => t.Trim()).Any(t => t == "*" || Strip(t) == current);

    /// <summary>For a header that came as several values (If-None-Match: a, If-None-Match: b).</summary>
    public static bool MatchesAny(IEnumerable<string?> headerValues, string current) =>
        headerValues.Any(v => v is not null && Matches(v, current));

    /// <summary>The request's If-Match header, or null without one.</summary>
    public static string? IfMatch(HttpRequest request) => request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null;

    private static string Strip(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
}
