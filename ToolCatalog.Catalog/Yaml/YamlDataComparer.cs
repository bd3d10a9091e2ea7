using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Compares two YAML documents as data: values, scalar types, the set of keys and their order in every map.
/// Formatting, comments and quoting style do not count; anything a program reading the file could see does. Floats
/// compare by exact decimal value, because the writer respells some of them for other readers (1e3 as 1.0e+3).
/// </summary>
public static partial class YamlDataComparer
{
    public static IReadOnlyList<string> Differences(YamlNode expected, YamlNode actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", differences);
        return differences;
    }

    private static void Compare(YamlNode expected, YamlNode actual, string path, List<string> differences)
    {
        switch (expected, actual)
        {
            case (YamlMap e, YamlMap a):
                var expectedKeys = e.Entries.Select(p => p.Key).ToList();
                var actualKeys = a.Entries.Select(p => p.Key).ToList();
                foreach (var missing in expectedKeys.Except(actualKeys, StringComparer.Ordinal))
                {
                    differences.Add($"{path}.{missing}: missing");
                }
                foreach (var extra in actualKeys.Except(expectedKeys, StringComparer.Ordinal))
                {
                    differences.Add($"{path}.{extra}: unexpected key");
                }
                var common = expectedKeys.Intersect(actualKeys, StringComparer.Ordinal).ToList();
                if (!common.SequenceEqual(actualKeys.Intersect(expectedKeys, StringComparer.Ordinal), StringComparer.Ordinal))
                {
                    differences.Add($"{path}: key order differs (expected {string.Join(", ", common)}; got {string.Join(", ", actualKeys)})");
                }
                foreach (var key in common)
                {
                    Compare(e[key]!, a[key]!, $"{path}.{key}", differences);
                }
                break;
            case (YamlSequence e, YamlSequence a):
                if (e.Items.Count != a.Items.Count)
                {
                    differences.Add($"{path}: {e.Items.Count} items expected, {a.Items.Count} found");
                }
                for (var i = 0; i < Math.Min(e.Items.Count, a.Items.Count); i++)
                {
                    Compare(e.Items[i], a.Items[i], $"{path}[{i}]", differences);
                }
                break;
            case (YamlScalar e, YamlScalar a):
                if (e.Kind != a.Kind)
                {
                    differences.Add($"{path}: type {e.Kind} expected, {a.Kind} found ({e.Text} vs {a.Text})");
                }
                else if (!string.Equals(e.Text, a.Text, StringComparison.Ordinal)
                    && !(e.Kind == ScalarKind.Float && ExactDecimal(e.Text) is { } value && value == ExactDecimal(a.Text)))
                {
                    differences.Add($"{path}: '{e.Text}' expected, '{a.Text}' found");
                }
                break;
            default:
                differences.Add($"{path}: {expected.GetType().Name} expected, {actual.GetType().Name} found");
                break;
        }
    }

    // A float's text reduced to sign, significant digits and exponent, so 1e3, 1.0e+3 and 1000.0 give the same key;
    // no rounding anywhere, so two different values never meet. Null for text that is not a finite decimal number.
    private static string? ExactDecimal(string text)
    {
        var match = DecimalParts().Match(text);
        if (!match.Success)
        {
            return null;
        }
        var integer = match.Groups["int"].Value;
        var all = integer + match.Groups["frac"].Value;
        var exponent = match.Groups["exp"].Success ? BigInteger.Parse(match.Groups["exp"].Value, CultureInfo.InvariantCulture) : BigInteger.Zero;
        var significant = all.TrimStart('0');
        if (significant.Length == 0)
        {
            return "0";
        }
        // The value is 0.all × 10^(integer.Length + exponent); dropping the leading zeros moves the point left.
        var pointPosition = exponent + integer.Length - (all.Length - significant.Length);
        var trimmed = significant.TrimEnd('0');
        return $"{(match.Groups["sign"].Value == "-" ? "-" : "")}0.{trimmed}e{pointPosition}";
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?<int>[0-9]*)(\.(?<frac>[0-9]*))?([eE](?<exp>[-+]?[0-9]+))?$")]
    private static partial Regex DecimalParts();
}
