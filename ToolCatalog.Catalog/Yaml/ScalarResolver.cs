using System.Globalization;
using System.Text.RegularExpressions;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Resolves plain scalars with the YAML 1.2 core schema (what YamlDotNet, PyYAML's safe loader in 1.2 mode and most
/// editors agree on): true/false, null/~, integers and floats; everything else, and every quoted scalar, is a string.
/// Numbers are kept as canonical JSON number text so that 1.0 stays a float and 1 an integer.
/// </summary>
public static partial class ScalarResolver
{
    public static (ScalarKind Kind, string Text) ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return (ScalarKind.Null, "null");
            case "true" or "True" or "TRUE":
                return (ScalarKind.Bool, "true");
            case "false" or "False" or "FALSE":
                return (ScalarKind.Bool, "false");
        }
        // Every number of the core schema starts with a digit, a sign or a point. Most scalars (every key) start with a
        // letter: they are strings without trying five patterns, which took a tenth of a file's parsing CPU.
        if (value[0] is not ('-' or '+' or '.' or (>= '0' and <= '9')))
        {
            return (ScalarKind.String, value);
        }
        if (DecimalInt().IsMatch(value))
        {
            // Canonical JSON integer: no plus sign, no leading zeros.
            var negative = value.StartsWith('-');
            var digits = value.TrimStart('+', '-').TrimStart('0');
            return (ScalarKind.Int, (negative && digits.Length > 0 ? "-" : "") + (digits.Length == 0 ? "0" : digits));
        }
        // Fix: Convert.ToInt64 threw OverflowException past 64 bits (escaping YamlReader.ReadAll) and read
        // 0xFFFFFFFFFFFFFFFF as -1. Values up to 128 bits are now exact; longer literals stay text, which the writer
        // (using this same rule) round-trips, and which keeps huge digit strings cheap.
        if (OctalInt().IsMatch(value) || HexInt().IsMatch(value))
        {
            return TryParseUnsigned(value.AsSpan(2), value[1] == 'o' ? 8u : 16u, out var number)
                ? (ScalarKind.Int, number.ToString(CultureInfo.InvariantCulture))
                : (ScalarKind.String, value);
        }
        if (Float().IsMatch(value))
        {
            return (ScalarKind.Float, CanonicalFloat(value));
        }
        if (SpecialFloat().IsMatch(value))
        {
            // JSON has no Infinity/NaN: keep the YAML spelling as text of a float so the type survives.
            return (ScalarKind.Float, value.ToLowerInvariant());
        }
        return (ScalarKind.String, value);
    }

    private static string CanonicalFloat(string value)
    {
        var text = value.StartsWith('+') ? value[1..] : value;
        // JSON requires a digit on both sides of the point: ".5" -> "0.5", "5." -> "5.0".
        if (text.StartsWith('.'))
        {
            text = "0" + text;
        }
        else if (text.StartsWith("-.", StringComparison.Ordinal))
        {
            text = "-0" + text[1..];
        }
        // Fix: JSON forbids leading zeros, so "00.5" or "-01.5" made YamlJson.ToJson throw; drop the extra zeros.
        var sign = text.StartsWith('-') ? "-" : "";
        var digits = text[sign.Length..].TrimStart('0');
        text = sign + (digits.Length == 0 || !char.IsAsciiDigit(digits[0]) ? "0" : "") + digits;
        text = text.Replace(".e", ".0e", StringComparison.OrdinalIgnoreCase);
        if (text.EndsWith('.'))
        {
            text += "0";
        }
        return text;
    }

    private static bool TryParseUnsigned(ReadOnlySpan<char> digits, uint radix, out UInt128 value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = (uint)(char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            if (value > (UInt128.MaxValue - digit) / radix)
            {
                return false;
            }
            value = value * radix + digit;
        }
        return true;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex SpecialFloat();
}
