using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ToolCatalog.Mcp.Tests;

/// <summary>/mcp is read on the same terms as the REST reads: open by default, an API key when reads are locked down.</summary>
public sealed class McpAccessTests(McpApi api)
{
    private const string Initialize = """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"access-test","version":"1.0.0"}}}
        """;

    [Theory]
    [InlineData(false, null, HttpStatusCode.OK)]
    [InlineData(true, null, HttpStatusCode.Unauthorized)]
    [InlineData(true, "not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData(true, "read", HttpStatusCode.OK)]
    public async Task Initialize_answers_by_the_same_rules_as_rest_reads(bool readsLocked, string? key, HttpStatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient();
        var url = readsLocked ? api.LockedMcp : api.OpenMcp;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key == "read" ? api.ReadKey : key);
        }
        using var rest = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/api/v1/tools?limit=1"));
        rest.Headers.Authorization = request.Headers.Authorization;

        using var response = await client.SendAsync(request, ct);
        using var restResponse = await client.SendAsync(rest, ct);

        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal(expected, restResponse.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("\"serverInfo\"", body);
            Assert.Contains("\"toolcatalog\"", body);
        }
    }

    [Fact]
    public async Task A_browser_page_from_another_origin_is_refused_and_a_loopback_one_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient();
        async Task<HttpStatusCode> PostFrom(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, api.OpenMcp) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            request.Headers.Add("Origin", origin);
            using var response = await client.SendAsync(request, ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PostFrom("http://evil.example.com"));
        Assert.Equal(HttpStatusCode.OK, await PostFrom($"http://127.0.0.1:{api.Open.Port}"));
        Assert.Equal(HttpStatusCode.OK, await PostFrom("http://localhost:6274"));
    }
}
