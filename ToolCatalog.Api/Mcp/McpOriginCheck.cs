using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Mcp;

public sealed class McpOptions
{
    public const string Section = "Mcp";

    /// <summary>
    /// Browser origins (scheme://host[:port]) allowed to call /mcp besides loopback ones. Requests without an Origin
    /// header (agents, CLIs, servers) are not affected.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>
/// DNS-rebinding protection the MCP transport specification requires: a web page on another site must not reach the
/// server through a browser, so a request whose Origin is neither loopback nor configured is refused with 403.
/// </summary>
internal static class McpOriginCheck
{
    public static async ValueTask<object?> RejectForeignOrigins(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowed(origin, http.RequestServices.GetRequiredService<IOptions<McpOptions>>().Value))
        {
            return TypedResults.Problem(ProblemResponses.Create(http, StatusCodes.Status403Forbidden, "forbidden-origin", "Origin not allowed",
                $"Requests from '{origin}' may not use the MCP endpoint; allow the origin with Mcp:AllowedOrigins."));
        }
        return await next(context);
    }

    private static bool IsAllowed(string origin, McpOptions options) =>
        options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback);
}
