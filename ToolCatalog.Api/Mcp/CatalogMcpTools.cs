using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;
using ToolCatalog.Api.Selection;
using ToolCatalog.Api.Tools;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Mcp;

/// <summary>
/// The catalog as MCP tools for agents: find the right pattern from a request in plain words, then load only what was
/// chosen (its document, its estimate, its function definition). All read-only and idempotent.
/// </summary>
[McpServerToolType]
public sealed class CatalogMcpTools(SnapshotStore loader, CatalogSearch search, SelectionRequestReader selection, SelectionDecider decider)
{
    public const int MaxQueryLength = 200;
    public const int MaxLimit = 50;
    public const int MaxFunctionNames = 50;

    [McpServerTool(Name = "search_tools", Title = "Find catalog tools for a job", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SearchToolsResult))]
    [Description("Ranked catalog patterns (a concrete way a tool does something) for a request in plain words, each with a one-line "
        + "description and the function name to load with get_function_definitions.")]
    public CallToolResult SearchTools(
        [Description("The job to be done, in plain words, e.g. 'restart the nginx service'. At most 200 characters.")] string query,
        [Description("Only tools of this platform, e.g. linux, windows, kubernetes, network. Omit for all platforms.")] string? platform = null,
        [Description("How many patterns to return, 1 to 50.")] int limit = 10,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return McpToolResults.Error("query is required: describe the job to be done in plain words.");
        }
        if (query.Length > MaxQueryLength || query.Contains('\0'))
        {
            return McpToolResults.Error($"query must be at most {MaxQueryLength} characters of text.");
        }
        if (limit is < 1 or > MaxLimit)
        {
            return McpToolResults.Error($"limit must be a whole number from 1 to {MaxLimit}.");
        }
        var snapshot = loader.Current;
        if (platform is not null && !snapshot.Ordered.Any(t => t.Document.Platform == platform))
        {
            var known = string.Join(", ", snapshot.Ordered.Select(t => t.Document.Platform).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            return McpToolResults.Error($"No tool has platform '{platform}'. Platforms in the catalog: {known}.");
        }
        // In memory over the served snapshot (hybrid keyword + semantic ranking); the platform filter is the search's own.
        var hits = search.Search(query.Trim(), platform, limit, SearchMode.Hybrid, cancellationToken);
        var found = SearchExpansion.Patterns(snapshot, hits, limit);
        return McpToolResults.Success(new SearchToolsResult(query, platform, snapshot.Revision, found), snapshot.Revision);
    }

    // No output schema: the response is POST /api/v1/select's, documented in the OpenAPI document and docs/selection.md.
    [McpServerTool(Name = "select_tool", Title = "Decide which tool and pattern fits a job", ReadOnly = true, Idempotent = true,
        Destructive = false, OpenWorld = false)]
    [Description("The catalog's decision, as POST /api/v1/select makes it: the patterns offering the capabilities, ranked by time, "
        + "cost, complexity, accuracy and completeness weighted for the mode; each with its estimates, execution mode (immediate, "
        + "background, approval_required), the policy reasons that excluded the others, and whether the top two are a near-tie.")]
    public CallToolResult SelectTool(
        [Description("The selection request: capabilities (canonical names or aliases, see the capabilities list), query (free text; chooses the mode), mode (fast, accurate, thorough, "
            + "cheap, simple, balanced) or weights, variables (e.g. {\"N\": 20}), environment, platform, constraints "
            + "(max_cost, max_time_ms, require_production_safe), top_k (1 to 50). With a query and no capabilities, the "
            + "capabilities are found from the query by search.")] SelectRequest request,
        CancellationToken cancellationToken = default)
    {
        var (query, errors) = selection.Read(request);
        if (query is null)
        {
            return McpToolResults.Error("The selection request is not valid: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")));
        }
        var decision = decider.Decide(query, cancellationToken);
        return McpToolResults.Success(decision, decision.Revision);
    }

    // No output schema: the document's own schema is /schemas/tool.json. The result still carries it as structured content.
    [McpServerTool(Name = "get_tool", Title = "Get a catalog tool's document", ReadOnly = true, Idempotent = true, Destructive = false,
        OpenWorld = false)]
    [Description("A catalog tool's full document as JSON (capabilities, patterns, inputs, estimates, policy, examples): the current "
        + "version, or an older one when version is given.")]
    public async Task<CallToolResult> GetTool(
        [Description("The tool's name, e.g. systemctl (search_tools results carry it).")] string name,
        [Description("A stored version, e.g. 1.0.0. Omit for the version served now.")] string? version = null,
        CancellationToken cancellationToken = default)
    {
        var snapshot = loader.Current;
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0') || version?.Contains('\0') == true)
        {
            return McpToolResults.Error("name is required: a tool name as search_tools returns it.");
        }
        if (version is null || snapshot.Find(name)?.Version == version)
        {
            return snapshot.Find(name) is { } tool
                ? McpToolResults.Success(JsonDocument.Parse(tool.Utf8Json).RootElement.Clone(), snapshot.Revision)
                : McpToolResults.Error($"No tool named '{name}'. Use search_tools to find tools by what they do.");
        }
        try
        {
            return await loader.GetVersionAsync(name, version, cancellationToken) is { } document
                ? McpToolResults.Success(JsonDocument.Parse(document.CanonicalJson).RootElement.Clone(), snapshot.Revision)
                : McpToolResults.Error($"Tool '{name}' has no version '{version}'.");
        }
        catch (Exception ex) when (Data.DatabaseFailure.IsUnavailable(ex))
        {
            return McpToolResults.Error("Older versions are unavailable right now: the catalog database cannot be reached. Omit version for the current one.");
        }
    }

    [McpServerTool(Name = "estimate", Title = "Estimate a pattern's time, cost and policy", ReadOnly = true, Idempotent = true,
        Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(EstimateResponse))]
    [Description("Evaluates a pattern's time and cost estimates for the given variables and says whether the call may run "
        + "immediately, needs a background job or approval, and whether it stays within its cost limit.")]
    public CallToolResult Estimate(
        [Description("The tool's name.")] string tool,
        [Description("The capability's name within the tool.")] string capability,
        [Description("The pattern's name within the capability.")] string pattern,
        [Description("Numbers for the pattern's inputs and standard variables (N, pages, duration_ms, packet_count, size_mb, hosts, "
            + "files, lines, rows), e.g. {\"N\": 3}. Declared inputs with defaults fill in what is left out.")] Dictionary<string, double>? variables = null)
    {
        var snapshot = loader.Current;
        if (snapshot.Find(tool) is not { } served)
        {
            return McpToolResults.Error($"No tool named '{tool}'. Use search_tools to find tools by what they do.");
        }
        var outcome = PatternEstimate.Evaluate(served, capability, pattern, variables);
        return outcome.Failure switch
        {
            EstimateFailure.None => McpToolResults.Success(outcome.Estimate!, snapshot.Revision),
            EstimateFailure.PatternNotFound => McpToolResults.Error($"Tool '{tool}' has no pattern '{pattern}' in capability '{capability}'."),
            EstimateFailure.UnknownVariables => McpToolResults.Error(
                $"Unknown variables ({string.Join(", ", outcome.Errors.Select(e => e.Path))}): variables must be the pattern's inputs or standard variables."),
            _ => McpToolResults.Error("The estimate cannot be evaluated with these variables: "
                + string.Join("; ", outcome.Errors.Select(e => $"{e.Path} ({e.Expression}): {e.Reason}"))),
        };
    }

    [McpServerTool(Name = "get_function_definitions", Title = "Load function definitions for chosen patterns", ReadOnly = true,
        Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(FunctionDefinitionsResult))]
    [Description("Ready-to-use function/tool definitions for the patterns an agent chose (by the function names search_tools "
        + "returns), as OpenAI function calling, Anthropic tool use or MCP tool definitions.")]
    public CallToolResult GetFunctionDefinitions(
        [Description("Function names from search_tools results, 1 to 50.")] string[] names,
        [Description("openai, anthropic or mcp.")] string format = "openai")
    {
        if (!FunctionExport.Formats.Contains(format, StringComparer.Ordinal))
        {
            return McpToolResults.Error($"format must be one of: {string.Join(", ", FunctionExport.Formats)}.");
        }
        if (names is null || names.Length is 0 or > MaxFunctionNames)
        {
            return McpToolResults.Error($"names must list 1 to {MaxFunctionNames} function names from search_tools results.");
        }
        var snapshot = loader.Current;
        var index = FunctionNameIndex.Of(snapshot);
        var definitions = new List<JsonNode>();
        var unknown = new List<string>();
        foreach (var name in names)
        {
            var origins = index.Resolve(name ?? "");
            if (origins.Count != 1 || snapshot.Find(origins[0].Tool) is not { } tool)
            {
                unknown.Add(name ?? "");
                continue;
            }
            definitions.Add(FunctionExport.Export(tool, format).First(d => DefinitionName(d!) == name)!.DeepClone());
        }
        return unknown.Count > 0
            ? McpToolResults.Error($"Unknown function names: {string.Join(", ", unknown)}. Use the functionName values search_tools returns.")
            : McpToolResults.Success(new FunctionDefinitionsResult(format, snapshot.Revision, definitions), snapshot.Revision);
    }

    private static string? DefinitionName(JsonNode definition) =>
        (definition["function"]?["name"] ?? definition["name"])?.GetValue<string>();
}
