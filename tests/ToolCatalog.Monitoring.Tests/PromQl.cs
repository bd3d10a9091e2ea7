using System.Text;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>One label matcher of a selector: <c>job=~"$job"</c>.</summary>
internal sealed record LabelMatcher(string Label, string Operator, string Value);

/// <summary>
/// A vector selector found in an expression: the metric name (null for <c>{__name__=...}</c>), its matchers, and its
/// text without range or offset (so it can be queried on its own as an instant selector).
/// </summary>
internal sealed record VectorSelector(string? Metric, IReadOnlyList<LabelMatcher> Matchers, string Text, bool HasOffset)
{
    public bool Has(string label, string op, string value) =>
        Matchers.Any(m => m.Label == label && m.Operator == op && m.Value == value);
}

/// <summary>
/// Just enough PromQL scanning for the monitoring tests: the vector selectors of an expression (skipping function
/// names, keywords, grouping label lists, strings, ranges and numbers) and the left-hand side of the first top-level
/// comparison (what an alert rule compares with its threshold).
/// </summary>
internal static class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2",
    };

    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    public static IReadOnlyList<VectorSelector> Selectors(string expr)
    {
        var selectors = new List<VectorSelector>();
        var i = 0;
        while (i < expr.Length)
        {
            var c = expr[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < expr.Length && expr[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '"' or '\'' or '`')
            {
                i = SkipString(expr, i);
            }
            else if (c == '[')
            {
                i = SkipTo(expr, i, ']');
            }
            else if (c == '{')
            {
                var start = i;
                var matchers = ReadMatchers(expr, ref i);
                var name = matchers.FirstOrDefault(m => m.Label == "__name__" && m.Operator == "=")?.Value;
                selectors.Add(new VectorSelector(name, matchers, expr[start..i], FollowedByOffset(expr, i)));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < expr.Length && char.IsAsciiDigit(expr[i + 1])))
            {
                // A number or a duration (5m, 1h30m, 1e3, 0x1f).
                while (i < expr.Length && (char.IsAsciiLetterOrDigit(expr[i]) || expr[i] is '.' or '_'))
                {
                    i++;
                }
            }
            else if (IsIdentifierStart(c))
            {
                var start = i;
                while (i < expr.Length && IsIdentifierPart(expr[i]))
                {
                    i++;
                }
                var word = expr[start..i];
                var next = SkipSpace(expr, i);
                if (LabelListKeywords.Contains(word))
                {
                    if (next < expr.Length && expr[next] == '(')
                    {
                        i = SkipTo(expr, next, ')');
                    }
                    continue;
                }
                if (Keywords.Contains(word))
                {
                    continue;
                }
                if ((next < expr.Length && expr[next] == '(') || StartsWithWord(expr, next, "by") || StartsWithWord(expr, next, "without"))
                {
                    continue; // a function, or an aggregation (sum by (job) (...))
                }
                // A metric name, possibly with matchers.
                var matchers = new List<LabelMatcher>();
                var end = i;
                if (next < expr.Length && expr[next] == '{')
                {
                    i = next;
                    matchers.AddRange(ReadMatchers(expr, ref i));
                    end = i;
                }
                selectors.Add(new VectorSelector(word, matchers, expr[start..end], FollowedByOffset(expr, end)));
            }
            else
            {
                i++;
            }
        }
        return selectors;
    }

    /// <summary>The text before the first comparison operator outside parentheses, or null when there is none.</summary>
    public static string? LeftOfComparison(string expr)
    {
        var depth = 0;
        for (var i = 0; i < expr.Length; i++)
        {
            var c = expr[i];
            switch (c)
            {
                case '"' or '\'' or '`':
                    i = SkipString(expr, i) - 1;
                    continue;
                case '{':
                    i = SkipTo(expr, i, '}') - 1;
                    continue;
                case '[':
                    i = SkipTo(expr, i, ']') - 1;
                    continue;
                case '(':
                    depth++;
                    continue;
                case ')':
                    depth--;
                    continue;
            }
            if (depth != 0)
            {
                continue;
            }
            var isComparison = c is '>' or '<'
                || (c is '=' or '!' && i + 1 < expr.Length && expr[i + 1] == '=');
            if (isComparison)
            {
                return expr[..i].Trim();
            }
        }
        return null;
    }

    private static List<LabelMatcher> ReadMatchers(string expr, ref int i)
    {
        // expr[i] == '{'
        var matchers = new List<LabelMatcher>();
        i++;
        while (true)
        {
            i = SkipSpace(expr, i);
            if (i >= expr.Length)
            {
                throw new FormatException($"unterminated selector in: {expr}");
            }
            if (expr[i] == '}')
            {
                i++;
                return matchers;
            }
            if (expr[i] == ',')
            {
                i++;
                continue;
            }
            var start = i;
            while (i < expr.Length && IsIdentifierPart(expr[i]))
            {
                i++;
            }
            var label = expr[start..i];
            i = SkipSpace(expr, i);
            var opStart = i;
            while (i < expr.Length && expr[i] is '=' or '!' or '~')
            {
                i++;
            }
            var op = expr[opStart..i];
            i = SkipSpace(expr, i);
            if (label.Length == 0 || op is not ("=" or "!=" or "=~" or "!~") || i >= expr.Length || expr[i] is not ('"' or '\'' or '`'))
            {
                throw new FormatException($"cannot read the label matcher at {start} in: {expr}");
            }
            var valueStart = i;
            i = SkipString(expr, i);
            matchers.Add(new LabelMatcher(label, op, Unquote(expr[valueStart..i])));
        }
    }

    private static bool FollowedByOffset(string expr, int i)
    {
        i = SkipSpace(expr, i);
        if (i < expr.Length && expr[i] == '[')
        {
            i = SkipSpace(expr, SkipTo(expr, i, ']'));
        }
        return StartsWithWord(expr, i, "offset");
    }

    private static bool StartsWithWord(string expr, int i, string word) =>
        i + word.Length <= expr.Length
        && expr.AsSpan(i, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase)
        && (i + word.Length == expr.Length || !IsIdentifierPart(expr[i + word.Length]));

    private static string Unquote(string quoted)
    {
        var body = quoted[1..^1];
        if (quoted[0] == '`')
        {
            return body;
        }
        var result = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length)
            {
                i++;
                result.Append(body[i] switch { 'n' => '\n', 't' => '\t', _ => body[i] });
            }
            else
            {
                result.Append(body[i]);
            }
        }
        return result.ToString();
    }

    private static int SkipString(string expr, int i)
    {
        var quote = expr[i];
        i++;
        while (i < expr.Length && expr[i] != quote)
        {
            i += expr[i] == '\\' && quote != '`' ? 2 : 1;
        }
        return Math.Min(i + 1, expr.Length);
    }

    /// <summary>From an opening bracket at <paramref name="i"/>, the index after its matching <paramref name="close"/>.</summary>
    private static int SkipTo(string expr, int i, char close)
    {
        var open = expr[i];
        var depth = 0;
        for (; i < expr.Length; i++)
        {
            if (expr[i] is '"' or '\'' or '`')
            {
                i = SkipString(expr, i) - 1;
            }
            else if (expr[i] == open)
            {
                depth++;
            }
            else if (expr[i] == close && --depth == 0)
            {
                return i + 1;
            }
        }
        return expr.Length;
    }

    private static int SkipSpace(string expr, int i)
    {
        while (i < expr.Length && char.IsWhiteSpace(expr[i]))
        {
            i++;
        }
        return i;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';
}
