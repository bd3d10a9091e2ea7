using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Tools;

/// <summary>How a tool document goes on the wire: pre-serialised JSON bytes (or YAML on request) with its ETag.</summary>
public static class ToolRepresentation
{
    // Both checks run on every tool read: plain loops, no enumerator or closure allocated when the header is absent.
    public static bool WantsYaml(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept)
        {
            foreach (var type in RequestBody.YamlTypes)
            {
                if (accept is not null && accept.Contains(type, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    public static bool NotModified(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Count > 0 && EntityTags.MatchesAny(request.Headers.IfNoneMatch, etag);

    /// <summary>
    /// 200 with the document (or 304 when the caller's copy is current); typed with the read handlers' full union
    /// (they also answer 404) so they return it as it is.
    /// </summary>
    public static Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult> Write(HttpContext context, byte[] utf8Json, string etag)
    {
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.Vary = HeaderNames.Accept;
        if (NotModified(context.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        if (WantsYaml(context.Request))
        {
            var yaml = YamlWriter.Write(YamlJson.FromJson(System.Text.Json.Nodes.JsonNode.Parse(utf8Json)));
            return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(yaml), "application/yaml; charset=utf-8");
        }
        return TypedResults.Bytes(utf8Json, "application/json; charset=utf-8");
    }

    public static ToolSummary Summary(ServedTool tool) => new(tool.Name, tool.Version, tool.Document.Description, tool.Document.Platform,
        tool.Document.Category, tool.Status, tool.Enabled, tool.Document.Capabilities.Select(c => c.Name).ToArray(), tool.Document.Tags);

    /// <summary>
    /// The tool's list summary as JSON bytes, serialised once per served tool: a snapshot swap keeps the tools that did
    /// not change (and so their summaries), and lists copy these bytes instead of serialising 50 summaries per request.
    /// </summary>
    public static byte[] SummaryJson(ServedTool tool) => Summaries.GetValue(tool, static t => JsonSerializer.SerializeToUtf8Bytes(Summary(t), ApiJson.Options));

    private static readonly ConditionalWeakTable<ServedTool, byte[]> Summaries = new();
}
