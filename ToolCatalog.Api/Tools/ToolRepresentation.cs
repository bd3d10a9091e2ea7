using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Tools;

/// <summary>How a tool document goes on the wire: pre-serialised JSON bytes (or YAML on request) with its ETag.</summary>
public static class ToolRepresentation
{
    public static bool WantsYaml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && RequestBody.YamlTypes.Any(t => a.Contains(t, StringComparison.OrdinalIgnoreCase)));

    public static bool NotModified(HttpRequest request, string etag) =>
        EntityTags.MatchesAny(request.Headers.IfNoneMatch, etag);

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

    public static JsonElement SummaryElement(ServedTool tool) => JsonSerializer.SerializeToElement(Summary(tool), JsonSerializerOptions.Web);
}
