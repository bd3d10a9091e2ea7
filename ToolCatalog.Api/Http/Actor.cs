using System.Security.Claims;

namespace ToolCatalog.Api;

/// <summary>Who a request acts as, as the audit log and reload history record it: the API key's name.</summary>
public static class Actor
{
    public const string Anonymous = "anonymous";

    public static string Of(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name) ?? Anonymous;
}
