using System.Text.Json;
using ToolCatalog.Api.Caching;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Search;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Tools;

/// <summary>Read routes for tools: list, one tool, versions, diff, capabilities, patterns, estimates.</summary>
public static partial class ToolReadsApi
{
    public static RouteGroupBuilder MapToolReads(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListTools).WithName("ListTools").WithSummary("List tools (latest versions) with filters and cursor paging")
            .WithDescription("`capability` takes a canonical capability name or an alias (GET /api/v1/capabilities), in any case, "
                + "'-', ' ' or '_' alike; it matches tools whose files use any name of that capability.")
            .Produces<ToolPage>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/{name}", GetTool).WithName("GetTool").WithSummary("Get a tool's current document (ETag, If-None-Match)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status304NotModified);
        group.MapGet("/{name}/versions", ListVersions).WithName("ListToolVersions").WithSummary("List every stored version of a tool")
            .Produces<IReadOnlyList<ToolVersionInfo>>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/{name}/versions/{version}", GetVersion).WithName("GetToolVersion").WithSummary("Get one version of a tool")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        group.MapGet("/{name}/diff", Diff).WithName("DiffToolVersions").WithSummary("Structural diff between two versions, with breaking changes");
        group.MapGet("/{name}/capabilities", ListCapabilities).WithName("ListToolCapabilities").WithSummary("Capabilities of a tool with their patterns");
        group.MapGet("/{name}/capabilities/{capability}/patterns/{pattern}", GetPattern).WithName("GetToolPattern")
            .WithSummary("One pattern of a tool's capability").Produces(StatusCodes.Status200OK, contentType: "application/json");
        group.MapPost("/{name}/capabilities/{capability}/patterns/{pattern}/estimate", Estimate).WithName("EstimatePattern")
            .WithSummary("Evaluate a pattern's time and cost estimates and its policy for given variables")
            .Accepts<EstimateRequest>(isOptional: true, "application/json", "application/yaml");
        group.RejectNulCharacters();
        return group;
    }

    public static Results<ToolPageResult, ProblemHttpResult> ListTools(HttpContext context, SnapshotStore loader, CatalogSearch search,
        ListCursors cursors, string? platform, string? category, string? status, string? enabled, string? tag, string? capability,
        string? name, string? q, string? limit, string? cursor, string? view, CatalogVocabulary vocabulary)
    {
        var (query, errors) = ToolQuery.Parse(platform, category, status, enabled, tag, capability, name, q, limit, cursor, view, cursors,
            vocabulary.Capabilities);
        if (query is null)
        {
            return ProblemResponses.QueryProblem(context, errors);
        }
        return ToolQuery.BuildPage(query, loader.Current, query.Text is null ? null : search.MatchingToolNames(query.Text), cursors);
    }

    /// <summary>
    /// The served snapshot already holds the tool's bytes and ETag: they are written as they are, with no cache lookup
    /// (an L1 miss used to go to Redis for bytes this process had). The snapshot is swapped when a change is applied, so
    /// a replica serves the new version from the moment it applied the invalidation, never an older one.
    /// </summary>
    public static Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult> GetTool(HttpContext context, SnapshotStore loader, string name)
    {
        if (loader.Current.Find(name) is not { } tool)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        return ToolRepresentation.Write(context, tool.Utf8Json, tool.ETag);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ListVersions(HttpContext context,
        NpgsqlDataSource db, SnapshotStore loader, CatalogCache cache, string name, CancellationToken cancellationToken)
    {
        // A live tool's version list only changes with the tool, so it is cached under the tool's change revision;
        // deleted tools (not in the snapshot) are read from the database each time.
        byte[]? body;
        if (loader.Current.Find(name) is { } tool)
        {
            var entry = await cache.GetOrCreateAsync("versions", cache.QueryKey("versions", tool.ChangeRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), name), (db, name),
                static async (s, ct) => new CachedResponse(await VersionsJsonAsync(s.db, s.name, ct) ?? "[]"u8.ToArray(), "", 0),
                CatalogCache.ToolTag(name), cancellationToken);
            body = entry.Utf8Json;
        }
        else
        {
            body = await VersionsJsonAsync(db, name, cancellationToken);
        }
        return body is null ? ProblemResponses.ToolNotFound(context, name) : TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static async Task<byte[]?> VersionsJsonAsync(NpgsqlDataSource db, string name, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT v.version, v.seq, v.is_current, v.content_hash, v.created_at, v.created_by, v.change_reason
            FROM tool_versions v JOIN tools t ON t.id = v.tool_id
            WHERE t.name = @name ORDER BY v.seq DESC
            """;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", name));
        var versions = new List<ToolVersionInfo>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                versions.Add(new ToolVersionInfo(reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetString(3),
                    reader.GetDateTime(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }
        return versions.Count == 0 ? null : JsonSerializer.SerializeToUtf8Bytes(versions, ApiJson.Options);
    }

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetVersion(HttpContext context,
        SnapshotStore loader, string name, string version, CancellationToken cancellationToken)
    {
        if (await loader.GetVersionAsync(name, version, cancellationToken) is not { } document)
        {
            return ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Version not found",
                $"Tool '{name}' has no version '{version}'.");
        }
        return ToolRepresentation.Write(context, System.Text.Encoding.UTF8.GetBytes(document.CanonicalJson), $"\"{document.ContentHash}\"");
    }

    public static async Task<Results<Ok<ToolDiffResult>, ProblemHttpResult>> Diff(HttpContext context, SnapshotStore loader,
        string name, string? from, string? to, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(from))
        {
            return ProblemResponses.QueryProblem(context, [("from", "is required: the version to compare from")]);
        }
        var current = loader.Current.Find(name);
        var toVersion = string.IsNullOrEmpty(to) ? current?.Version : to;
        if (toVersion is null)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        var a = await loader.GetVersionAsync(name, from, cancellationToken);
        var b = await loader.GetVersionAsync(name, toVersion, cancellationToken);
        if (a is null || b is null)
        {
            return ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Version not found",
                $"Tool '{name}' has no version '{(a is null ? from : toVersion)}'.");
        }
        var (changes, breaking) = ToolDiff.Compare(a.ToJsonObject(), b.ToJsonObject());
        return TypedResults.Ok(new ToolDiffResult(name, from, toVersion, changes, breaking));
    }

    public static Results<Ok<IReadOnlyList<CapabilitySummary>>, ProblemHttpResult> ListCapabilities(HttpContext context, SnapshotStore loader, string name)
    {
        if (loader.Current.Find(name) is not { } tool)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        return TypedResults.Ok<IReadOnlyList<CapabilitySummary>>(tool.Document.Capabilities
            .Select(c => new CapabilitySummary(c.Name, c.Description, c.Patterns.Select(p => p.Name).ToArray())).ToList());
    }

    public static Results<FileContentHttpResult, ProblemHttpResult> GetPattern(HttpContext context, SnapshotStore loader,
        string name, string capability, string pattern)
    {
        if (loader.Current.Find(name) is not { } tool)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        if (PatternEstimate.PatternNode(tool, capability, pattern) is not { } node)
        {
            return PatternNotFound(context, name, capability, pattern);
        }
        return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), "application/json; charset=utf-8");
    }


    private static ProblemHttpResult PatternNotFound(HttpContext context, string name, string capability, string pattern) =>
        ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Pattern not found",
            $"Tool '{name}' has no pattern '{pattern}' in capability '{capability}'.");
}
