using ModelContextProtocol.Protocol;
using ToolCatalog.Api.Auth;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Mcp;

/// <summary>
/// The MCP server at <c>/mcp</c>: Streamable HTTP, stateless (any replica answers any request, no session affinity),
/// read on the same terms as the REST reads.
/// </summary>
public static class McpEndpoint
{
    public const string Path = "/mcp";

    public static IHostApplicationBuilder AddCatalogMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<McpOptions>().BindConfiguration(McpOptions.Section).ValidateOnStart();
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "toolcatalog", Title = "ToolCatalog", Version = "1.0.0" };
                options.ServerInstructions = "Find the tool for a job with search_tools (plain words), then load only what you chose: "
                    + "get_function_definitions for the functions, estimate for time, cost and policy, get_tool for the whole document.";
            })
            // Stateless: no session to keep, so no server-initiated messages either (see docs/search.md, MCP server).
            .WithHttpTransport(options => options.Stateless = true)
            .WithTools<CatalogMcpTools>()
            .WithListResourcesHandler(CatalogMcpResources.ListAsync)
            .WithListResourceTemplatesHandler(CatalogMcpResources.ListTemplatesAsync)
            .WithReadResourceHandler(CatalogMcpResources.ReadAsync)
            .WithCompleteHandler(CatalogMcpResources.CompleteAsync)
            .WithRequestFilters(filters => filters.AddListToolsFilter(next => async (request, cancellationToken) =>
            {
                // The tool list itself is fixed; the revision tells an agent which catalog its search results will come from.
                var result = await next(request, cancellationToken);
                result.Meta = McpToolResults.RevisionMeta(request.Services!.GetRequiredService<SnapshotStore>().Current.Revision);
                return result;
            }));
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization(CatalogRoles.ReadPolicy).AddEndpointFilter(McpOriginCheck.RejectForeignOrigins);
        return app;
    }
}
