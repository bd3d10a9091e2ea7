using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Discovery;

/// <summary>Cross-tool routes: capabilities, use-case search, facets, statistics, audit and function export.</summary>
public static class DiscoveryApi
{
    public static RouteGroupBuilder MapDiscovery(this RouteGroupBuilder group)
    {
        // Query and route values reach PostgreSQL (search text, audit tool): a NUL must be a 400, not a database error.
        group.RejectNulCharacters();
        group.MapGet("/capabilities", Capabilities).WithName("ListCapabilities")
            .WithSummary("The capability vocabulary: canonical capabilities with aliases and tool counts, and names in use outside it")
            .WithDescription("Every canonical capability of the shared vocabulary (inVocabulary: true) with its description, aliases and the "
                + "number of served tools offering it under any of its names; then every name tool files use outside the vocabulary "
                + "(inVocabulary: false) with its count. Sorted by name. Aliases are accepted wherever a capability is named.")
            .WithTags("Discovery");
        group.MapGet("/capabilities/{capability}/tools", CapabilityTools).WithName("ListCapabilityTools")
            .WithSummary("Tools that offer a capability, named by its canonical name or an alias").WithTags("Discovery");
        group.MapGet("/patterns/search", SearchPatterns).WithName("SearchPatterns").WithSummary("Patterns ranked by match with their use cases")
            .WithTags("Discovery").Produces<IReadOnlyList<PatternMatch>>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/platforms", Platforms).WithName("ListPlatforms").WithSummary("Platforms with tool counts").WithTags("Discovery");
        group.MapGet("/categories", Categories).WithName("ListCategories").WithSummary("Categories with tool counts").WithTags("Discovery");
        group.MapGet("/stats", Stats).WithName("GetStats").WithSummary("Counts by platform, category and status; versions, capabilities, patterns")
            .WithDescription("Counted once per catalog revision a replica serves, so a write is in the counts as soon as it is served; "
                + "`revision` is the catalog revision the counts reflect.")
            .WithTags("Discovery");
        group.MapGet("/audit", Audit).WithName("GetAudit").WithSummary("Who changed what, when and why, with the diff").WithTags("Audit");
        group.MapGet("/tools/{name}/export", ExportFunctions).WithName("ExportToolFunctions")
            .WithSummary("A tool's patterns as OpenAI, Anthropic or MCP tool definitions").WithTags("Tools");
        group.MapGet("/functions/{functionName}", ResolveFunction).WithName("ResolveFunctionName")
            .WithSummary("The tool, version, capability and pattern an exported function name stands for").WithTags("Tools");
        return group;
    }

    public static Ok<IReadOnlyList<CapabilityFacet>> Capabilities(SnapshotStore loader, CatalogVocabulary vocabulary) =>
        TypedResults.Ok<IReadOnlyList<CapabilityFacet>>(CapabilityListing.Of(loader.Current, vocabulary.Capabilities));

    public static Results<Ok<IReadOnlyList<CapabilityTool>>, ProblemHttpResult> CapabilityTools(HttpContext context, SnapshotStore loader,
        CatalogVocabulary vocabulary, string capability)
    {
        var tools = CapabilityListing.ToolsOffering(loader.Current, vocabulary.Capabilities, capability);
        return tools.Count == 0
            ? ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Capability not found", $"No tool offers '{capability}'.")
            : TypedResults.Ok<IReadOnlyList<CapabilityTool>>(tools);
    }

    /// <summary>
    /// Ranked in memory; cached per catalog content and normalised text all the same, because at 10,000 tools a common
    /// word matches thousands of patterns whose use cases are then read word by word.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SearchPatterns(HttpContext context, CatalogSearch search,
        CatalogCache cache, SnapshotStore loader, string? use_case, string? limit, CancellationToken cancellationToken)
    {
        if (TextProblem(context, "use_case", use_case, limit, out var max) is { } problem)
        {
            return problem;
        }
        var snapshot = loader.Current;
        var trimmed = use_case!.Trim();
        var entry = await cache.GetOrCreateAsync("search", cache.QueryKey("patterns", snapshot.ContentKey, $"{max}|{trimmed.ToLowerInvariant()}"),
            (search, trimmed, max, snapshot.Revision),
            static (s, _) => ValueTask.FromResult(new CachedResponse(
                JsonSerializer.SerializeToUtf8Bytes(s.search.PatternsByUseCase(s.trimmed, s.max), ApiJson.Options), "", s.Revision)),
            null, cancellationToken);
        return TypedResults.Bytes(entry.Utf8Json, "application/json; charset=utf-8");
    }

    public static Ok<IReadOnlyList<Facet>> Platforms(SnapshotStore loader) =>
        TypedResults.Ok<IReadOnlyList<Facet>>(FacetOf(loader.Current, t => t.Document.Platform));

    public static Ok<IReadOnlyList<Facet>> Categories(SnapshotStore loader) =>
        TypedResults.Ok<IReadOnlyList<Facet>>(FacetOf(loader.Current, t => t.Document.Category));

    public static async Task<Ok<CatalogStats>> Stats(CatalogStatsReader stats, SnapshotStore loader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stats.ReadAsync(loader.Current.Revision, cancellationToken));

    /// <summary>
    /// The newest audit entries, of one tool or of all: two statements, each read in revision order from its own index
    /// (migration 0014). One statement with "tool IS NULL OR tool_name = tool" got a generic plan that read the whole log.
    /// </summary>
    internal static string AuditSql(bool forOneTool) => $"""
        SELECT revision, at, actor, action, tool_name, version, reason, diff::text
        FROM audit_log {(forOneTool ? "WHERE tool_name = @tool " : "")}ORDER BY revision DESC LIMIT @limit
        """;

    public static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ProblemHttpResult>> Audit(HttpContext context, NpgsqlDataSource db,
        string? tool, string? limit, CancellationToken cancellationToken)
    {
        // Parsed here, not bound: "limit=abc" must be a 400 naming limit like every other bad value.
        if (!QueryLimit.TryParse(limit, 100, 1000, out var max))
        {
            return ProblemResponses.QueryProblem(context, [("limit", QueryLimit.Error(1000))]);
        }
        await using var cmd = db.CreateCommand(AuditSql(tool is not null));
        if (tool is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter<string>("tool", tool));
        }
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", max));
        var entries = new List<AuditEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(7))));
        }
        return TypedResults.Ok<IReadOnlyList<AuditEntry>>(entries);
    }

    public static Results<Ok<JsonArray>, ProblemHttpResult> ExportFunctions(HttpContext context, SnapshotStore loader, string name, string? format)
    {
        if (format is null || !FunctionExport.Formats.Contains(format, StringComparer.Ordinal))
        {
            return ProblemResponses.QueryProblem(context, [("format", $"must be one of: {string.Join(", ", FunctionExport.Formats)}")]);
        }
        if (loader.Current.Find(name) is not { } tool)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        return TypedResults.Ok(FunctionExport.Export(tool, format));
    }

    public static Results<Ok<FunctionOrigin>, ProblemHttpResult> ResolveFunction(HttpContext context, SnapshotStore loader, string functionName)
    {
        var origins = FunctionNameIndex.Of(loader.Current).Resolve(functionName);
        return origins.Count switch
        {
            1 => TypedResults.Ok(origins[0]),
            0 => ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Function not found",
                $"The catalog exports no function named '{functionName}'."),
            _ => ProblemResponses.Problem(context, StatusCodes.Status409Conflict, "ambiguous-function", "Ambiguous function name",
                $"'{functionName}' stands for {string.Join(" and ", origins.Select(o => $"{o.Tool}/{o.Capability}/{o.Pattern}"))}."),
        };
    }

    private static List<Facet> FacetOf(CatalogSnapshot snapshot, Func<ServedTool, string> key) =>
        snapshot.Ordered.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new Facet(g.Key, g.Count())).ToList();

    private static ProblemHttpResult? TextProblem(HttpContext context, string field, string? text, string? limit, out int max)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add((field, "is required"));
        }
        else if (text.Length > 200)
        {
            errors.Add((field, "must be at most 200 characters"));
        }
        if (!QueryLimit.TryParse(limit, 20, 100, out max))
        {
            errors.Add(("limit", QueryLimit.Error(100)));
        }
        return errors.Count > 0 ? ProblemResponses.QueryProblem(context, errors) : null;
    }
}
