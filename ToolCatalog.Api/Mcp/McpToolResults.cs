using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace ToolCatalog.Api.Mcp;

/// <summary>
/// Tool results as the catalog's MCP tools give them: the JSON both as structured content and as text (for clients that
/// read only text), the catalog revision in <c>_meta</c>, and failures as tool errors (isError) with a message an agent
/// can act on, never as protocol errors or exceptions.
/// </summary>
internal static class McpToolResults
{
    /// <summary>The <c>_meta</c> key every catalog result carries: the revision of the catalog it was answered from.</summary>
    public const string RevisionKey = "toolcatalog/revision";

    public static JsonObject RevisionMeta(long revision) => new() { [RevisionKey] = revision };

    public static CallToolResult Success<T>(T value, long revision)
    {
        var element = JsonSerializer.SerializeToElement(value, ApiJson.Options);
        return Success(element, revision);
    }

    public static CallToolResult Success(JsonElement value, long revision) => new()
    {
        Content = [new TextContentBlock { Text = value.GetRawText() }],
        StructuredContent = value,
        Meta = RevisionMeta(revision),
    };

    public static CallToolResult Error(string message) => new()
    {
        Content = [new TextContentBlock { Text = message }],
        IsError = true,
    };
}
