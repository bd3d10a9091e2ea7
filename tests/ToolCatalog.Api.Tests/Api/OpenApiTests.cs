using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>The OpenAPI document describes every route with its operation id; the tool JSON Schema is served.</summary>
public sealed class OpenApiTests(EmptyCatalogHost fixture) : IClassFixture<EmptyCatalogHost>
{
    /// <summary>Every route of the REST API, with the operation id it is mapped with.</summary>
    private static readonly (string Method, string Path, string OperationId)[] Routes =
    [
        ("get", "/api/v1/tools", "ListTools"),
        ("get", "/api/v1/tools/{name}", "GetTool"),
        ("get", "/api/v1/tools/{name}/versions", "ListToolVersions"),
        ("get", "/api/v1/tools/{name}/versions/{version}", "GetToolVersion"),
        ("get", "/api/v1/tools/{name}/diff", "DiffToolVersions"),
        ("get", "/api/v1/tools/{name}/capabilities", "ListToolCapabilities"),
        ("get", "/api/v1/tools/{name}/capabilities/{capability}/patterns/{pattern}", "GetToolPattern"),
        ("post", "/api/v1/tools/{name}/capabilities/{capability}/patterns/{pattern}/estimate", "EstimatePattern"),
        ("get", "/api/v1/tools/{name}/export", "ExportToolFunctions"),
        ("post", "/api/v1/tools", "CreateTool"),
        ("put", "/api/v1/tools/{name}", "PutToolVersion"),
        ("delete", "/api/v1/tools/{name}", "DeleteTool"),
        ("post", "/api/v1/tools/{name}/restore", "RestoreTool"),
        ("patch", "/api/v1/tools/{name}/enable", "EnableTool"),
        ("patch", "/api/v1/tools/{name}/disable", "DisableTool"),
        ("patch", "/api/v1/tools/{name}/status", "SetToolStatus"),
        ("post", "/api/v1/tools/{name}/rollback", "RollbackTool"),
        ("post", "/api/v1/tools/validate", "ValidateTool"),
        ("post", "/api/v1/tools/import", "ImportTools"),
        ("get", "/api/v1/tools/export", "ExportTools"),
        ("get", "/api/v1/capabilities", "ListCapabilities"),
        ("get", "/api/v1/capabilities/{capability}/tools", "ListCapabilityTools"),
        ("get", "/api/v1/patterns/search", "SearchPatterns"),
        ("get", "/api/v1/search", "Search"),
        ("get", "/api/v1/platforms", "ListPlatforms"),
        ("get", "/api/v1/categories", "ListCategories"),
        ("get", "/api/v1/stats", "GetStats"),
        ("get", "/api/v1/audit", "GetAudit"),
        ("post", "/api/v1/reload", "Reload"),
        ("get", "/api/v1/reload/history", "ReloadHistory"),
        ("get", "/api/v1/reload/statistics", "ReloadStatistics"),
        ("get", "/api/v1/changes", "ListChanges"),
        ("get", "/api/v1/changes/stream", "StreamChanges"),
        ("get", "/api/v1/metrics", "GetMetricsSummary"),
        ("get", "/api/v1/performance/stats", "GetPerformanceStats"),
        ("post", "/api/v1/select", "SelectTool"),
        ("get", "/api/v1/functions/{functionName}", "ResolveFunctionName"),
        ("get", "/schemas/tool.json", "GetToolSchema"),
    ];

    [Fact]
    public async Task The_OpenAPI_document_lists_every_route_with_its_operation_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var response = await host.Anonymous.GetAsync("/openapi/v1.json", ct);

        var document = (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsObject();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ToolCatalog API", document["info"]!["title"]!.GetValue<string>());
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(o => o.Key is "get" or "put" or "post" or "delete" or "patch")
                .Select(o => (Method: o.Key, Path: p.Key, Operation: o.Value!.AsObject())))
            .ToList();
        Assert.True(operations.Count(o => o.Path.StartsWith("/api/v1/", StringComparison.Ordinal)) >= 25,
            $"only {operations.Count} operations: {string.Join(", ", operations.Select(o => $"{o.Method} {o.Path}"))}");
        foreach (var (method, path, operationId) in Routes)
        {
            var operation = operations.Where(o => o.Method == method && o.Path == path).Select(o => o.Operation).SingleOrDefault();
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
            Assert.Equal(operationId, operation["operationId"]?.GetValue<string>());
            Assert.IsType<JsonObject>(operation["responses"]);
        }
        // The list above is every route: the application maps no other one (outside the operational endpoints that are
        // not part of the API: Prometheus' /metrics, health, the OpenAPI document itself, and /mcp, which speaks MCP's
        // JSON-RPC and is described by its own tools/list).
        Assert.Equal(MappedRoutes(host).Order(), Routes.Select(r => $"{r.Method.ToUpperInvariant()} {r.Path}").Order());
        Assert.Equal(Routes.Length, operations.Count);
        var ids = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    private static IEnumerable<string> MappedRoutes(ApiTestHost host) =>
        host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [], Path: "/" + e.RoutePattern.RawText!.Trim('/')))
            .Where(e => e.Path is not ("/metrics" or "/health" or "/alive" or "/openapi/{documentName}.json" or "/mcp"))
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Path}"))
            .Distinct();

    [Fact]
    public async Task Routes_with_parameters_and_bodies_describe_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var response = await host.Anonymous.GetAsync("/openapi/v1.json", ct);

        var paths = (await ReadJsonAsync(response, HttpStatusCode.OK, ct))["paths"]!;
        var list = paths["/api/v1/tools"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["platform", "category", "status", "enabled", "tag", "capability", "name", "q", "limit", "cursor", "view"],
            list);
        var getTool = paths["/api/v1/tools/{name}"]!["get"]!;
        Assert.Contains(getTool["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "name" && p["in"]!.GetValue<string>() == "path");
        foreach (var (path, method) in (ReadOnlySpan<(string, string)>)[("/api/v1/tools", "post"), ("/api/v1/tools/{name}", "put"),
            ("/api/v1/tools/validate", "post"), ("/api/v1/tools/import", "post"), ("/api/v1/tools/{name}/status", "patch"),
            ("/api/v1/tools/{name}/rollback", "post"), ("/api/v1/tools/{name}/enable", "patch"),
            ("/api/v1/tools/{name}/capabilities/{capability}/patterns/{pattern}/estimate", "post")])
        {
            var content = paths[path]![method]!["requestBody"]!["content"]!.AsObject();
            Assert.True(content.ContainsKey("application/json"), $"{method} {path} does not accept JSON");
            Assert.True(content.ContainsKey("application/yaml"), $"{method} {path} does not accept YAML");
        }
        Assert.True(paths["/api/v1/tools/import"]!["post"]!["requestBody"]!["content"]!.AsObject().ContainsKey("application/zip"));
    }

    [Fact]
    public async Task The_tool_JSON_Schema_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var response = await host.Anonymous.GetAsync("/schemas/tool.json", ct);

        var schema = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        var required = schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("tool_name", required);
        Assert.Contains("capabilities", required);
        Assert.True(schema["properties"]!.AsObject().ContainsKey("capabilities"));
    }
}
