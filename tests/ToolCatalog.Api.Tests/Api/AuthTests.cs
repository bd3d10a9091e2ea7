using System.Net;
using System.Net.Http.Headers;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>One API for the auth tests: each caller works on a tool of its own, so they never see each other's writes.</summary>
public sealed class AuthHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = await StartAsync(infra, ct);
        await Host.SeedAsync(ct, "systemctl");
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>API keys and roles: anonymous, unknown key, read, write and admin against every write route, and reads for all.</summary>
public sealed class AuthTests(AuthHost fixture) : IClassFixture<AuthHost>
{
    private enum Need
    {
        Read,
        Write,
        Admin,
    }

    private sealed record Route(string Method, string Url, Func<string, HttpContent?> Body, Need Need, HttpStatusCode Success);

    /// <summary>In order: for a caller allowed everything, each step succeeds on the state the previous ones left.</summary>
    private static readonly Route[] WriteRoutes =
    [
        new("POST", ToolsPath, t => Yaml(AuthTool(t, "1.0.0")), Need.Write, HttpStatusCode.Created),
        new("PUT", $"{ToolsPath}/{{tool}}", t => Yaml(AuthTool(t, "1.1.0")), Need.Write, HttpStatusCode.OK),
        new("PATCH", $"{ToolsPath}/{{tool}}/disable", _ => null, Need.Write, HttpStatusCode.OK),
        new("PATCH", $"{ToolsPath}/{{tool}}/enable", _ => null, Need.Write, HttpStatusCode.OK),
        new("PATCH", $"{ToolsPath}/{{tool}}/status", _ => Json("""{"status":"deprecated","reason":"auth test"}"""), Need.Write, HttpStatusCode.OK),
        new("POST", $"{ToolsPath}/{{tool}}/rollback", _ => Json("""{"version":"1.0.0"}"""), Need.Write, HttpStatusCode.OK),
        new("DELETE", $"{ToolsPath}/{{tool}}", _ => null, Need.Write, HttpStatusCode.OK),
        new("POST", $"{ToolsPath}/{{tool}}/restore", _ => null, Need.Write, HttpStatusCode.OK),
        new("POST", $"{ToolsPath}/import", _ => Yaml(CatalogYaml("dig")), Need.Write, HttpStatusCode.OK),
        new("POST", $"{ToolsPath}/import?dryRun=true", _ => Yaml(CatalogYaml("kubectl_logs")), Need.Write, HttpStatusCode.OK),
        new("POST", $"{ToolsPath}/validate", _ => Yaml(CatalogYaml("dig")), Need.Read, HttpStatusCode.OK),
        new("GET", $"{ToolsPath}/export", _ => null, Need.Read, HttpStatusCode.OK),
        new("DELETE", $"{ToolsPath}/{{tool}}?purge=true", _ => null, Need.Admin, HttpStatusCode.OK),
    ];


    public static TheoryData<string> Callers => new("anonymous", "unknown bearer key", "unknown X-Api-Key", "Basic credentials", "read",
        "write", "admin", "write via X-Api-Key", "admin via X-Api-Key", "read via X-Api-Key", "write with a lowercase bearer scheme");

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Every_write_route_answers_401_403_or_success_by_the_callers_role(string caller)
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var tool = "auth_" + new string(caller.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
        using var client = Client(host, caller);
        var level = caller switch
        {
            _ when caller.StartsWith("admin", StringComparison.Ordinal) => 3,
            _ when caller.StartsWith("write", StringComparison.Ordinal) => 2,
            _ when caller.StartsWith("read", StringComparison.Ordinal) => 1,
            _ => 0,
        };
        var revision = await host.RevisionAsync(ct);

        foreach (var route in WriteRoutes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url.Replace("{tool}", tool, StringComparison.Ordinal))
            {
                Content = route.Body(tool),
            };
            using var response = await client.SendAsync(request, ct);
            var what = $"{caller}: {route.Method} {request.RequestUri}";

            var allowed = route.Need switch
            {
                Need.Read => true,
                Need.Write => level >= 2,
                _ => level >= 3,
            };
            if (allowed)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                Assert.True(route.Success == response.StatusCode, $"{what}: expected {(int)route.Success}, got {(int)response.StatusCode} {text}");
            }
            else if (level == 0)
            {
                var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ct);
                Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
                Assert.EndsWith("/authentication-required", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
            }
            else
            {
                await AssertProblemAsync(response, HttpStatusCode.Forbidden, ct);
            }
        }

        var after = await host.RevisionAsync(ct);
        if (level < 2)
        {
            Assert.Equal(revision, after);
        }
        else
        {
            Assert.True(after > revision);
            var actors = (await host.AuditActionsAsync(tool, ct)).Select(a => a.Actor).Distinct();
            Assert.Equal([level == 3 ? AdminName : WriterName], actors);
        }
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("admin")]
    public async Task Reads_are_open_to_everyone_with_or_without_a_key(string caller)
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        using var client = Client(host, caller);

        foreach (var url in (string[])[ToolsPath, $"{ToolsPath}/systemctl", $"{ToolsPath}/systemctl/versions", $"{ToolsPath}/systemctl/versions/1.0.0",
            $"{ToolsPath}/systemctl/diff?from=1.0.0", $"{ToolsPath}/systemctl/capabilities", $"{ToolsPath}/systemctl/capabilities/service_status/patterns/list_failed_units",
            $"{ToolsPath}/systemctl/export?format=mcp", $"{Base}/capabilities", $"{Base}/capabilities/service_status/tools", $"{Base}/patterns/search?use_case=failed",
            $"{Base}/search?q=systemd", $"{Base}/platforms", $"{Base}/categories", $"{Base}/stats", $"{Base}/audit", "/openapi/v1.json", "/schemas/tool.json"])
        {
            using var response = await client.GetAsync(url, ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{caller}: GET {url} -> {(int)response.StatusCode}");
        }
        using var estimate = await client.PostAsync($"{ToolsPath}/systemctl/capabilities/service_status/patterns/list_failed_units/estimate",
            Json("""{"variables":{"N":10}}"""), ct);
        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);
    }

    [Fact]
    public async Task A_key_is_only_read_from_the_Authorization_Bearer_or_X_Api_Key_header()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var revision = await host.RevisionAsync(ct);

        using var inQuery = await host.Anonymous.PatchAsync($"{ToolsPath}/systemctl/disable?api_key={host.WriteKey}", null, ct);
        using var asToken = new HttpRequestMessage(HttpMethod.Patch, $"{ToolsPath}/systemctl/disable");
        asToken.Headers.Authorization = new AuthenticationHeaderValue("Token", host.WriteKey);
        using var tokenResponse = await host.Anonymous.SendAsync(asToken, ct);
        using var hashed = new HttpRequestMessage(HttpMethod.Patch, $"{ToolsPath}/systemctl/disable");
        hashed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Sha256(host.WriteKey));
        using var hashResponse = await host.Anonymous.SendAsync(hashed, ct);
        using var emptyHeader = new HttpRequestMessage(HttpMethod.Patch, $"{ToolsPath}/systemctl/disable");
        emptyHeader.Headers.TryAddWithoutValidation("X-Api-Key", "");
        using var emptyResponse = await host.Anonymous.SendAsync(emptyHeader, ct);

        foreach (var response in (HttpResponseMessage[])[inQuery, tokenResponse, hashResponse, emptyResponse])
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ct);
            Assert.NotEmpty(response.Headers.WwwAuthenticate);
        }
        Assert.Equal(revision, await host.RevisionAsync(ct));
    }

    private static HttpClient Client(ApiTestHost host, string caller) => caller switch
    {
        "anonymous" => host.Factory.CreateClient(),
        "unknown bearer key" => host.WithBearer(NewKey()),
        "unknown X-Api-Key" => host.WithApiKeyHeader(NewKey()),
        "Basic credentials" => WithAuthorization(host, new AuthenticationHeaderValue("Basic", Convert.ToBase64String("writer:secret"u8))),
        "read" => host.WithBearer(host.ReadKey),
        "write" => host.WithBearer(host.WriteKey),
        "admin" => host.WithBearer(host.AdminKey),
        "read via X-Api-Key" => host.WithApiKeyHeader(host.ReadKey),
        "write via X-Api-Key" => host.WithApiKeyHeader(host.WriteKey),
        "admin via X-Api-Key" => host.WithApiKeyHeader(host.AdminKey),
        "write with a lowercase bearer scheme" => WithAuthorization(host, new AuthenticationHeaderValue("bearer", host.WriteKey)),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    private static HttpClient WithAuthorization(ApiTestHost host, AuthenticationHeaderValue value)
    {
        var client = host.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = value;
        return client;
    }

    private static string AuthTool(string tool, string version) => CatalogYaml("systemctl")
        .Replace("tool_name: systemctl", $"tool_name: {tool}", StringComparison.Ordinal)
        .Replace("version: \"1.0.0\"", $"version: \"{version}\"", StringComparison.Ordinal)
        .Replace("complexity_score: 0.3", version == "1.0.0" ? "complexity_score: 0.3" : "complexity_score: 0.35", StringComparison.Ordinal);
}
