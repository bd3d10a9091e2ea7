using System.Text.Json.Nodes;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Discovery;

/// <summary>
/// Each pattern of a tool as a function/tool definition for an LLM API: OpenAI function calling, Anthropic tool use,
/// or an MCP tool. The parameters are a JSON Schema built from the pattern's required and optional inputs.
/// </summary>
public static class FunctionExport
{
    public static readonly string[] Formats = ["openai", "anthropic", "mcp"];

    public static JsonArray Export(ServedTool tool, string format)
    {
        var result = new JsonArray();
        var document = JsonNode.Parse(tool.Utf8Json)!.AsObject();
        foreach (var (capabilityName, capability) in document["capabilities"]!.AsObject())
        {
            foreach (var (patternName, pattern) in capability!["patterns"]!.AsObject())
            {
                var name = FunctionNames.For(tool.Name, capabilityName, patternName);
                var description = $"{tool.Name}: {pattern!["description"]?.GetValue<string>()}";
                var schema = InputSchema(pattern.AsObject());
                result.Add(format switch
                {
                    "openai" => new JsonObject
                    {
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = name, ["description"] = description, ["parameters"] = schema },
                    },
                    "anthropic" => new JsonObject { ["name"] = name, ["description"] = description, ["input_schema"] = schema },
                    _ => new JsonObject
                    {
                        ["name"] = name,
                        ["title"] = $"{tool.Name} {capabilityName} {patternName}".Replace('_', ' '),
                        ["description"] = description,
                        ["inputSchema"] = schema,
                        ["annotations"] = new JsonObject
                        {
                            ["readOnlyHint"] = pattern["policy"]?["production_safe"]?.GetValue<bool>() == true
                                && pattern["policy"]?["requires_approval"]?.GetValue<bool>() != true,
                        },
                    },
                });
            }
        }
        return result;
    }

    private static JsonObject InputSchema(JsonObject pattern)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (list, isRequired) in (ReadOnlySpan<(string, bool)>)[("required_inputs", true), ("optional_inputs", false)])
        {
            foreach (var input in pattern[list] as JsonArray ?? [])
            {
                if (input?["name"]?.GetValue<string>() is not { } name)
                {
                    continue;
                }
                var property = new JsonObject { ["type"] = input["type"]?.GetValue<string>() ?? "string" };
                if (input["description"] is { } description)
                {
                    property["description"] = description.DeepClone();
                }
                if (input["validation"] is { } validation && property["type"]!.GetValue<string>() == "string")
                {
                    property["pattern"] = validation.DeepClone();
                }
                if (input["default"] is { } defaultValue)
                {
                    property["default"] = defaultValue.DeepClone();
                }
                if (property["type"]!.GetValue<string>() == "array")
                {
                    property["items"] = new JsonObject();
                }
                properties[name] = property;
                if (isRequired)
                {
                    required.Add(name);
                }
            }
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }
}
