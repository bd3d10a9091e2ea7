using System.Globalization;

namespace ToolCatalog.Api;

/// <summary>
/// The one parser of <c>?limit=</c>: a whole number from 1 to the route's maximum, the default when absent. Parsed from
/// the raw string (not bound), so <c>limit=abc</c> is a 400 naming <c>limit</c> like any other bad value.
/// </summary>
public static class QueryLimit
{
    public static bool TryParse(string? text, int defaultValue, int maxValue, out int limit)
    {
        if (text is null)
        {
            limit = defaultValue;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= maxValue;
    }

    public static string Error(int maxValue) => string.Create(CultureInfo.InvariantCulture, $"must be a whole number from 1 to {maxValue}");
}
