namespace ToolCatalog.Api.Mcp;

/// <summary>One pattern found by <c>search_tools</c>: where it lives, a one-line description and the function to load for it.</summary>
public sealed record FoundPattern(int Rank, string Tool, string Version, string Platform, string Capability, string Pattern,
    string Description, string FunctionName, double Score);

/// <summary>The structured result of <c>search_tools</c>.</summary>
public sealed record SearchToolsResult(string Query, string? Platform, long Revision, IReadOnlyList<FoundPattern> Results);

/// <summary>The structured result of <c>get_function_definitions</c>: definitions in the order asked for.</summary>
public sealed record FunctionDefinitionsResult(string Format, long Revision, IReadOnlyList<System.Text.Json.Nodes.JsonNode> Definitions);
