using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Auth;

/// <summary>
/// Accepts <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>, hashes the key and looks the hash up.
/// A write role implies read; admin implies write.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        foreach (var entry in auth.CurrentValue.ApiKeys)
        {
            if (entry.Sha256.Length == 64 && CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(entry.Sha256)))
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, entry.Name) };
                claims.AddRange(ImpliedRoles(entry.Role).Select(r => new Claim(ClaimTypes.Role, r)));
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }
        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"toolcatalog\"";
        return ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, "authentication-required",
            "Authentication required", "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden",
            "Forbidden", "This API key's role does not allow this operation.");

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }
        return request.Headers.TryGetValue(ApiKeyHeader, out var value) && value.ToString().Length > 0 ? value.ToString() : null;
    }

    private static IEnumerable<string> ImpliedRoles(string role) => role.ToLowerInvariant() switch
    {
        CatalogRoles.Admin => [CatalogRoles.Admin, CatalogRoles.Write, CatalogRoles.Read],
        CatalogRoles.Write => [CatalogRoles.Write, CatalogRoles.Read],
        _ => [CatalogRoles.Read],
    };
}

public static class ApiKeyAuthentication
{
    /// <summary>
    /// Authentication only for requests that carry a key header: without one the handler finds nothing, so anonymous
    /// reads skip resolving and running it (a seventh of a cached read's server time). A route that needs a role still
    /// challenges through the default scheme, with the same 401 problem.
    /// </summary>
    public static IApplicationBuilder UseApiKeyAuthentication(this IApplicationBuilder app)
    {
        // UseAuthentication on the branch marks only the branch; WebApplication would then put a second, unconditional
        // authentication middleware in front of the whole pipeline. This is the mark it looks for.
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        return app.UseWhen(static context => context.Request.Headers.Authorization.Count > 0
                || context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.ApiKeyHeader),
            static branch => branch.UseAuthentication());
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
}
