using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// The checks that keep a document within <see cref="CatalogLimits"/>: text lengths, numbers jsonb can store, expressions
/// and regexes bounded before they are parsed or compiled. A document past a bound would otherwise pass validation and then
/// fail in PostgreSQL (500) or cost seconds of CPU per request.
/// </summary>
public sealed partial class ToolValidator
{
    private static readonly TimeSpan RegexCheckTimeout = TimeSpan.FromMilliseconds(250);
    private static CatalogLimits Limits => CatalogLimits.Default;

    /// <summary>Reports map[key] when it is text longer than <paramref name="max"/> characters.</summary>
    private void MaxLength(YamlMap map, string path, string key, int max)
    {
        if (map[key] is YamlScalar { Kind: ScalarKind.String } text)
        {
            MaxLength(text, Join(path, key), max);
        }
    }

    private void MaxLength(YamlScalar text, string path, int max)
    {
        if (text.Kind == ScalarKind.String && text.Text.Length > max)
        {
            LimitError(text, path, $"is longer than {max:N0} characters ({text.Text.Length:N0})");
        }
    }

    /// <summary>Reports each text item of map[key] longer than <paramref name="max"/> characters.</summary>
    private void MaxItemLength(YamlSequence? list, string path, int max)
    {
        for (var i = 0; list is not null && i < list.Items.Count; i++)
        {
            if (list.Items[i] is YamlScalar item)
            {
                MaxLength(item, $"{path}[{i}]", max);
            }
        }
    }

    /// <summary>
    /// Every number in the document, under unknown keys too (they are stored verbatim): PostgreSQL's jsonb refuses a
    /// number with more than 16,383 digits after the point or 131,072 before it ("1e-20000", a 200,000-digit integer).
    /// Walked with an explicit stack; the reader bounds the depth anyway.
    /// </summary>
    private void Numbers(YamlNode root)
    {
        var pending = new Stack<(YamlNode Node, string Path)>();
        pending.Push((root, ""));
        while (pending.TryPop(out var item))
        {
            switch (item.Node)
            {
                case YamlMap map:
                    foreach (var (key, value) in map.Entries)
                    {
                        pending.Push((value, Join(item.Path, key)));
                    }
                    break;
                case YamlSequence list:
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        pending.Push((list.Items[i], $"{item.Path}[{i}]"));
                    }
                    break;
                case YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } number when NumberBound(number.Text) is { } problem:
                    LimitError(number, item.Path, problem);
                    break;
            }
        }
    }

    /// <summary>Null when the canonical number text is within the digit and exponent bounds, else why not.</summary>
    private static string? NumberBound(string text)
    {
        var exponentAt = text.AsSpan().IndexOfAny('e', 'E');
        var mantissa = exponentAt < 0 ? text.AsSpan() : text.AsSpan(0, exponentAt);
        var digits = mantissa.Length - (mantissa.StartsWith("-") ? 1 : 0) - (mantissa.Contains('.') ? 1 : 0);
        if (digits > Limits.MaxNumberDigits)
        {
            return $"number has {digits:N0} digits; at most {Limits.MaxNumberDigits:N0} can be stored";
        }
        if (exponentAt >= 0)
        {
            var exponent = text.AsSpan(exponentAt + 1).TrimStart('+');
            var magnitude = exponent.TrimStart('-').TrimStart('0');
            if (magnitude.Length > 9 || (magnitude.Length > 0 && int.Parse(magnitude, provider: System.Globalization.CultureInfo.InvariantCulture) > Limits.MaxNumberExponent))
            {
                return $"number's exponent is beyond ±{Limits.MaxNumberExponent:N0}; such a number cannot be stored";
            }
        }
        return null;
    }

    private void LimitError(YamlNode node, string path, string message) =>
        _problems.Add(CatalogProblem.Limit(_file, node.Mark, path, message));

    private void ValidationRegex(YamlMap input, string inputPath)
    {
        if (OptionalString(input, inputPath, "validation") is not { } pattern)
        {
            return;
        }
        // Fix: a 907 KiB alternation took 2 s to compile on every validate (the timeout covers matching only).
        if (pattern.Length > Limits.MaxRegexLength)
        {
            LimitError(input["validation"]!, $"{inputPath}.validation", $"regex is longer than {Limits.MaxRegexLength:N0} characters ({pattern.Length:N0})");
            return;
        }
        var (compileError, dialectProblem) = RegexChecks.Of(pattern);
        if (compileError is not null)
        {
            Error(input["validation"]!, $"{inputPath}.validation", $"regex does not compile: {compileError}");
            return;
        }
        if (dialectProblem is not null)
        {
            EcmaScriptDialect(input["validation"]!, $"{inputPath}.validation", dialectProblem);
        }
    }

    /// <summary>Whether a validation regex compiles in .NET (the error if not), and what keeps it from meaning the same in JavaScript.</summary>
    private static readonly TextVerdicts<(string? CompileError, string? DialectProblem)> RegexChecks = new(pattern =>
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, RegexCheckTimeout);
            return (null, EcmaScriptPattern.Problem(pattern));
        }
        catch (ArgumentException ex)
        {
            return (ex.Message, null);
        }
    });

    private void Expression(YamlMap map, string path, string key, IReadOnlySet<string> variables, bool required)
    {
        var node = map[key];
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, key), "is required");
            }
            return;
        }
        // A bare number is a valid constant estimate; store it as written.
        if (node is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float })
        {
            return;
        }
        if (node is not YamlScalar { Kind: ScalarKind.String } text)
        {
            Error(node, Join(path, key), $"must be an expression string such as \"1000 + 0.5 * N\", not {Describe(node)}");
            return;
        }
        if (ExpressionScanner.Scan(text.Text, Limits).Error is { } bound)
        {
            LimitError(node, Join(path, key), bound);
            return;
        }
        var quoted = text.Text.Length > 80 ? text.Text[..80] + "…" : text.Text;
        foreach (var problem in EstimateExpression.Check(text.Text, variables))
        {
            Error(node, Join(path, key), $"{problem} (in \"{quoted}\")");
        }
    }
}
