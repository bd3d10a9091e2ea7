using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// The spelling rules that make a written file read as the same data under every common reader: YAML 1.2 readers
/// (YamlDotNet, js-yaml 4, Go yaml.v3) and YAML 1.1 readers (PyYAML, Ruby Psych, Go yaml.v2). A 1.1 reader types
/// many plain words the 1.2 core schema leaves as text (yes, on, 2024-03-02, 1_000, 017, 1:20), and js-yaml's default
/// schema adds timestamps and merge keys; so any string that some reader could type is quoted, and numbers are
/// spelled the way all of them read as numbers.
/// </summary>
public static partial class PortableScalars
{
    // YAML 1.1 booleans (y/n too: the 1.1 spec lists them even where PyYAML does not), null forms, the 1.1 value key
    // "=" (PyYAML's safe loader refuses it) and the merge key "<<"; compared ignoring case, so "nULL" is quoted too.
    private static readonly FrozenSet<string> TypedWords = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<");

    /// <summary>True when a string written plain would be typed as something else by this project or any other reader.</summary>
    public static bool NeedsQuotes(string value) =>
        ScalarResolver.ResolvePlain(value).Kind != ScalarKind.String
        || TypedWords.Contains(value)
        || DecimalLike().IsMatch(value)
        || PrefixedInteger().IsMatch(value)
        || Sexagesimal().IsMatch(value)
        || SpecialFloat().IsMatch(value)
        || Timestamp().IsMatch(value);

    /// <summary>
    /// A number's text as every reader reads it as a number: PyYAML types a float only with a '.' in its mantissa
    /// and a sign on its exponent (1e3 and 1.0e3 are text to it), so 1e3 is written 1.0e+3. Integers are already
    /// canonical decimal, which every reader agrees on.
    /// </summary>
    public static string NumberText(ScalarKind kind, string text)
    {
        if (kind != ScalarKind.Float || SpecialFloat().IsMatch(text))
        {
            return text;
        }
        var e = text.AsSpan().IndexOfAny('e', 'E');
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? "" : text[(e + 1)..];
        if (!mantissa.Contains('.', StringComparison.Ordinal))
        {
            mantissa += ".0";
        }
        if (exponent.Length > 0 && exponent[0] is not ('+' or '-'))
        {
            exponent = "+" + exponent;
        }
        return exponent.Length == 0 ? mantissa : $"{mantissa}{text[e]}{exponent}";
    }

    // Decimal integers and floats in 1.1 and js-yaml spellings: leading zeros and 1.1 octal (017), underscores
    // (1_000, 1_000.5), a bare point (.5, 1.), exponents with or without sign or point (1e3).
    [GeneratedRegex(@"^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex DecimalLike();

    // Hex, octal and binary with a prefix in either case, a sign and underscores (0x1F, +0x_1F, 0o17, 0b101, -0b1).
    [GeneratedRegex(@"^[-+]?0[xXoObB][0-9a-fA-F_]*$")]
    private static partial Regex PrefixedInteger();

    // YAML 1.1 base-60 integers and floats: 1:20 is 80 and 190:20:30.15 is 685230.15 to PyYAML.
    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")]
    private static partial Regex Sexagesimal();

    [GeneratedRegex(@"^[-+]?\.(inf|nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex SpecialFloat();

    // YAML 1.1 timestamps (PyYAML, and js-yaml's default schema): a date, or a date with a time and zone.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$")]
    private static partial Regex Timestamp();
}
