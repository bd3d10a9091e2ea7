using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Converts between YAML data and the JSON the catalog stores and serves. JSON objects keep key order and numbers keep
/// their text, so YAML -> JSON -> YAML gives back the same data, types and order.
/// </summary>
public static class YamlJson
{
    public static JsonNode? ToJson(YamlNode node)
    {
        // Iterative would be faster to read about, but depth is already capped by YamlLimits.MaxDepth.
        switch (node)
        {
            case YamlMap map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Entries)
                {
                    obj[key] = ToJson(value);
                }
                return obj;
            case YamlSequence seq:
                var arr = new JsonArray();
                foreach (var item in seq.Items)
                {
                    arr.Add(ToJson(item));
                }
                return arr;
            case YamlScalar scalar:
                return scalar.Kind switch
                {
                    ScalarKind.Null => null,
                    ScalarKind.Bool => JsonValue.Create(scalar.Text == "true"),
                    ScalarKind.Int or ScalarKind.Float when !IsSpecialFloat(scalar.Text) =>
                        JsonValue.Create(JsonSerializer.Deserialize<JsonElement>(scalar.Text)),
                    // .inf/.nan: JSON cannot hold them; keep the text (a float in YAML, a string in JSON).
                    _ => JsonValue.Create(scalar.Text),
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>JSON back to YAML data (marks are lost: this is the exported form).</summary>
    public static YamlNode FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new YamlScalar(SourceMark.None, ScalarKind.Null, "null");
            case JsonObject obj:
                return new YamlMap(SourceMark.None, obj.Select(p => new KeyValuePair<string, YamlNode>(p.Key, FromJson(p.Value))).ToList());
            case JsonArray arr:
                return new YamlSequence(SourceMark.None, arr.Select(FromJson).ToList());
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.True:
                        return new YamlScalar(SourceMark.None, ScalarKind.Bool, "true");
                    case JsonValueKind.False:
                        return new YamlScalar(SourceMark.None, ScalarKind.Bool, "false");
                    case JsonValueKind.Number:
                        var raw = value.ToJsonString();
                        return new YamlScalar(SourceMark.None, raw.AsSpan().IndexOfAny(".eE") >= 0 ? ScalarKind.Float : ScalarKind.Int, raw);
                    case JsonValueKind.String:
                        var text = value.GetValue<string>();
                        // .inf/.nan were stored as text because JSON cannot hold them; they were floats in YAML.
                        return new YamlScalar(SourceMark.None, IsSpecialFloat(text) ? ScalarKind.Float : ScalarKind.String, text);
                    default:
                        return new YamlScalar(SourceMark.None, ScalarKind.Null, "null");
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    private static bool IsSpecialFloat(string text) => text is ".inf" or "-.inf" or "+.inf" or ".nan";
}
