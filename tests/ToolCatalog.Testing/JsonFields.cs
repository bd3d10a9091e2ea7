using System.Text.Json.Nodes;

namespace ToolCatalog.Testing;

/// <summary>Reading and editing JSON bodies in assertions.</summary>
public static class JsonFields
{
    /// <summary>The string at <paramref name="key"/> (which must be there).</summary>
    public static string S(JsonNode node, string key) => node[key]!.GetValue<string>();

    /// <summary>Edits the object in place and returns it, for building request bodies inline.</summary>
    public static JsonObject Also(this JsonObject node, Action<JsonObject> edit)
    {
        edit(node);
        return node;
    }
}
