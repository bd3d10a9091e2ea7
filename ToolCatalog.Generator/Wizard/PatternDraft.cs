using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>A pattern as steps 4 to 6 fill it in: the answers so far, the preset answers, and estimate variables still to declare.</summary>
public sealed class PatternDraft(string capability, string name, JsonObject given)
{
    public string Capability { get; } = capability;
    public string Name { get; } = name;
    public JsonObject Given { get; } = given;
    public JsonObject Fields { get; } = [];

    /// <summary>Variables the estimates use that no input declares yet (step 6 adds them).</summary>
    public List<string> Pending { get; } = [];

    /// <summary>Inputs of type integer or number, which estimates may use.</summary>
    public HashSet<string> NumericInputs { get; } = new(StringComparer.Ordinal);

    public string Label => $"{Capability}.{Name}";

    /// <summary>The pattern with its keys in the order of the format (what the catalog's own files use).</summary>
    public JsonObject ToJson() => Ordered(Fields, CatalogRules.PatternKeys);

    public static JsonObject Ordered(JsonObject source, string[] order)
    {
        var result = new JsonObject();
        foreach (var key in order.Where(source.ContainsKey).Concat(source.Select(p => p.Key).Where(k => !order.Contains(k))).ToList())
        {
            result[key] = source[key]?.DeepClone();
        }
        return result;
    }
}
