using System.Text;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>
/// A validation regex that starts with .NET's <c>(?i)</c>, which JavaScript (and so JSON Schema) does not have, spelled
/// out in both cases: <c>(?i)^yes|no$</c> is <c>^[yY][eE][sS]|[nN][oO]$</c>, <c>[a-f]</c> is <c>[a-fA-F]</c>. Only patterns
/// made of literals, escapes, classes, anchors, quantifiers and plain groups are translated; anything else (named
/// groups, back-references, other inline options) is left as written for a person, with the validator's warning.
/// </summary>
public static class CaseInsensitivePattern
{
    public static string? Translate(string pattern)
    {
        if (!pattern.StartsWith("(?i)", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = pattern[4..];
        if (!Translatable(rest))
        {
            return null;
        }
        var result = new StringBuilder(rest.Length * 2);
        var inClass = false;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '\\' && i + 1 < rest.Length)
            {
                result.Append(c).Append(rest[++i]); // an escape keeps its meaning (\d, \w, \.) in either case
            }
            else if (inClass)
            {
                inClass = c != ']';
                var range = i + 2 < rest.Length && rest[i + 1] == '-' && char.IsAsciiLetter(rest[i + 2]) && char.IsAsciiLetter(c);
                if (range)
                {
                    var end = rest[i + 2];
                    result.Append(c).Append('-').Append(end).Append(Other(c)).Append('-').Append(Other(end));
                    i += 2;
                }
                else
                {
                    result.Append(c);
                    if (char.IsAsciiLetter(c))
                    {
                        result.Append(Other(c));
                    }
                }
            }
            else if (c == '[')
            {
                inClass = true;
                result.Append(c);
                if (i + 1 < rest.Length && rest[i + 1] == '^')
                {
                    result.Append(rest[++i]);
                }
            }
            else if (char.IsAsciiLetter(c))
            {
                result.Append('[').Append(c).Append(Other(c)).Append(']');
            }
            else
            {
                result.Append(c);
            }
        }
        var translated = result.ToString();
        return EcmaScriptPattern.Problem(translated) is null ? translated : null;
    }

    /// <summary>No other inline option or group syntax, back-reference, Unicode category or control escape: those are left to a person.</summary>
    private static bool Translatable(string rest) =>
        !rest.Contains("(?", StringComparison.Ordinal) && !rest.Contains("\\k", StringComparison.Ordinal)
        && !rest.Contains("\\p", StringComparison.OrdinalIgnoreCase) && !rest.Contains("\\c", StringComparison.Ordinal);

    private static char Other(char c) => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
}
