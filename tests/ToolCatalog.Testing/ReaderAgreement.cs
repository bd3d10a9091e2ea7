using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Testing;

/// <summary>
/// Compares this project's reading of a file with another reader's, printed as JSON by the scripts in tests/python and
/// tests/js (which tag what JSON cannot hold: {"$timestamp"}, {"$float"}, {"$error"}, "$key:type:value" keys).
/// Numbers compare by value, since JavaScript has no integer/float distinction (1.0 reads as 1); map keys compare as a
/// set, since a JavaScript object lists integer-like keys first.
/// </summary>
public static class ReaderAgreement
{
    public static IReadOnlyList<string> Differences(YamlNode product, JsonNode? other)
    {
        var differences = new List<string>();
        Compare(product, other, "$", differences);
        return differences;
    }

    private static void Compare(YamlNode product, JsonNode? other, string path, List<string> differences)
    {
        switch (product, other)
        {
            case (YamlMap map, JsonObject obj) when !IsTagged(obj):
                var keys = map.Entries.Select(e => e.Key).ToList();
                differences.AddRange(keys.Where(k => !obj.ContainsKey(k)).Select(k => $"{path}.{k}: missing"));
                differences.AddRange(obj.Select(p => p.Key).Where(k => !keys.Contains(k)).Select(k => $"{path}.{k}: unexpected key"));
                foreach (var (key, value) in map.Entries.Where(e => obj.ContainsKey(e.Key)))
                {
                    Compare(value, obj[key], $"{path}.{key}", differences);
                }
                break;
            case (YamlSequence seq, JsonArray arr):
                if (seq.Items.Count != arr.Count)
                {
                    differences.Add($"{path}: {seq.Items.Count} items expected, {arr.Count} found");
                }
                for (var i = 0; i < Math.Min(seq.Items.Count, arr.Count); i++)
                {
                    Compare(seq.Items[i], arr[i], $"{path}[{i}]", differences);
                }
                break;
            case (YamlScalar scalar, _):
                if (!ScalarAgrees(scalar, other))
                {
                    differences.Add($"{path}: {scalar.Kind} '{scalar.Text}' expected, {other?.ToJsonString() ?? "null"} found");
                }
                break;
            default:
                differences.Add($"{path}: {product.GetType().Name} expected, {other?.ToJsonString() ?? "null"} found");
                break;
        }
    }

    private static bool ScalarAgrees(YamlScalar scalar, JsonNode? other) => scalar.Kind switch
    {
        ScalarKind.Null => other is null,
        ScalarKind.Bool => other is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            && b.GetValue<bool>() == (scalar.Text == "true"),
        ScalarKind.String => other is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>() == scalar.Text,
        _ when scalar.Text.Contains("inf", StringComparison.Ordinal) || scalar.Text.Contains("nan", StringComparison.Ordinal) =>
            other is JsonObject { Count: 1 } tagged && tagged["$float"]?.GetValue<string>() == scalar.Text.TrimStart('+'),
        _ => other is JsonValue n && n.GetValueKind() == JsonValueKind.Number
            && double.Parse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture) == n.GetValue<double>(),
    };

    private static bool IsTagged(JsonObject obj) => obj.Count == 1 && obj.First().Key.StartsWith('$');
}
