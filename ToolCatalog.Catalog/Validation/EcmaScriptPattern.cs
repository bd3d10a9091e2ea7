using System.Buffers;
using System.Text.RegularExpressions;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// Input <c>validation</c> regexes are exported as JSON Schema <c>pattern</c>, whose dialect is ECMA-262 as JavaScript
/// validators run it (Ajv compiles with the <c>u</c> flag; strict function-calling modes do the same). A pattern must
/// therefore mean the same in .NET and in JavaScript. The check is conservative: it compiles the pattern with
/// <see cref="RegexOptions.ECMAScript"/> and then rejects what .NET accepts there but JavaScript does not, or reads
/// differently: inline flags <c>(?i)</c> / <c>(?i:...)</c>, atomic groups <c>(?&gt;</c>, comments <c>(?#</c>,
/// conditionals <c>(?(</c>, <c>(?'name'</c> groups, the anchors <c>\A \Z \z \G</c>, Unicode properties
/// <c>\p{..}</c>, escapes JavaScript's unicode mode refuses (<c>\:</c>, <c>\_</c>, <c>\e</c>...), class subtraction
/// <c>[a-z-[aeiou]]</c>, a class opening with <c>]</c>, and unescaped <c>{ } ]</c> outside a quantifier or class.
/// Named groups <c>(?&lt;name&gt;</c>, lookahead and lookbehind are fine in JavaScript and accepted.
/// </summary>
public static partial class EcmaScriptPattern
{
    private static readonly TimeSpan CompileTimeout = TimeSpan.FromMilliseconds(250);

    // Control escapes, class escapes, assertions, \x \u \c \0, and the syntax characters (plus '/'); \u{..} and
    // \k<..> are handled with their braces.
    private static readonly SearchValues<char> JsEscapes = SearchValues.Create("fnrtvdDsSwWbBxuc0^$\\.*+?()[]{}|/");

    /// <summary>What keeps the pattern from meaning the same in JavaScript, or null when nothing does.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.ECMAScript, CompileTimeout);
        }
        catch (ArgumentException ex)
        {
            return $"is not an ECMAScript (JSON Schema) pattern: {ex.Message}";
        }
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var next = i + 1 < pattern.Length ? pattern[i + 1] : '\0';
            var problem = c switch
            {
                '\\' => Escape(pattern, ref i, inClass),
                _ when inClass => ClassCharacter(c, next, ref inClass),
                '[' => OpenClass(pattern, ref i, ref inClass),
                '(' when next == '?' => GroupKind(pattern.AsSpan(i + 2)),
                '{' => Quantifier().Match(pattern, i) is { Success: true } m && m.Index == i
                    ? Skip(ref i, m.Length - 1)
                    : "has a literal '{' that JavaScript's unicode mode refuses: write \\{",
                '}' or ']' => $"has a literal '{c}' that JavaScript's unicode mode refuses: write \\{c}",
                _ => null,
            };
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? Escape(string pattern, ref int i, bool inClass)
    {
        if (i + 1 >= pattern.Length)
        {
            return "ends with a lone backslash";
        }
        var escaped = pattern[++i];
        switch (escaped)
        {
            case 'A' or 'Z' or 'z' or 'G':
                return $"uses \\{escaped}, a .NET anchor that JavaScript does not have: use ^ or $";
            case 'p' or 'P':
                // Property names differ (.NET \p{IsGreek}, JavaScript \p{Script=Greek}) and without the u flag
                // JavaScript reads \p as the letter p.
                return $"uses \\{escaped}{{...}}, whose names differ between .NET and JavaScript: list the characters instead";
            case 'u' when i + 1 < pattern.Length && pattern[i + 1] == '{':
            case 'k' when i + 1 < pattern.Length && pattern[i + 1] == '<':
                // \u{1F600}, \k<name>: skip the braces so they are not read as a quantifier.
                var close = pattern.IndexOf(escaped == 'k' ? '>' : '}', i);
                i = close < 0 ? pattern.Length : close;
                return null;
            case 'B' when inClass:
                return "uses \\B inside a class, which JavaScript refuses";
            case '-' when inClass:
                return null;
        }
        return JsEscapes.Contains(escaped) || char.IsAsciiDigit(escaped)
            ? null
            : $"escapes '{escaped}' (\\{escaped}), which JavaScript's unicode mode refuses: escape only ^$\\.*+?()[]{{}}|/ (and - in a class)";
    }

    private static string? ClassCharacter(char c, char next, ref bool inClass)
    {
        if (c == '-' && next == '[')
        {
            return "uses .NET class subtraction ([a-z-[aeiou]]), which JavaScript reads differently: list the characters instead";
        }
        inClass = c != ']';
        return null;
    }

    private static string? OpenClass(string pattern, ref int i, ref bool inClass)
    {
        inClass = true;
        if (i + 1 < pattern.Length && pattern[i + 1] == '^')
        {
            i++;
        }
        return i + 1 < pattern.Length && pattern[i + 1] == ']'
            ? "has a class opening with ']', a literal ] in .NET but an empty class in JavaScript: write \\]"
            : null;
    }

    private static string? GroupKind(ReadOnlySpan<char> afterQuestionMark) => afterQuestionMark switch
    {
        [':' or '=' or '!', ..] or ['<', '=' or '!', ..] => null,
        ['<', var first, ..] when char.IsAsciiLetter(first) || first == '_' => null,
        ['>', ..] => "uses an atomic group (?>...), which JavaScript does not have",
        ['#', ..] => "uses a comment group (?#...), which JavaScript does not have",
        ['(', ..] => "uses a conditional group (?(...)...), which JavaScript does not have",
        ['\'', ..] => "uses a (?'name'...) group: JavaScript names groups only as (?<name>...)",
        _ => "uses inline flags such as (?i) or (?i:...), which JavaScript does not have: spell both cases, e.g. [sS][eE][lL][eE][cC][tT]",
    };

    private static string? Skip(ref int i, int count)
    {
        i += count;
        return null;
    }

    [GeneratedRegex(@"\{[0-9]+(,[0-9]*)?\}")]
    private static partial Regex Quantifier();
}
