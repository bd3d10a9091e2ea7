using System.Text;
using System.Text.Json.Nodes;

namespace ToolCatalog.Mcp.Tests;

/// <summary>
/// Bad input to the catalog's MCP tools comes back as tool errors (isError) with a message saying what to fix; bad
/// resource requests as JSON-RPC errors; filters hold. Raw JSON-RPC over HTTP, as any client sends it.
/// </summary>
public sealed class McpToolBehaviourTests(McpApi api)
{
    public static TheoryData<string, string, string> BadCalls => new()
    {
        { "search_tools", """{"query":""}""", "query is required" },
        { "search_tools", """{"query":"restart a service","limit":0}""", "limit must be" },
        { "search_tools", """{"query":"restart a service","platform":"plan9"}""", "Platforms in the catalog: " },
        { "get_tool", """{"name":"systemctl","version":"9.9.9"}""", "has no version '9.9.9'" },
        { "estimate", """{"tool":"systemctl","capability":"service_management","pattern":"restart_service","variables":{"bogus":1}}""", "variables.bogus" },
        { "estimate", """{"tool":"systemctl","capability":"service_management","pattern":"no_such_pattern"}""", "has no pattern 'no_such_pattern'" },
        { "get_function_definitions", """{"names":["systemctl__nothing__here"]}""", "Unknown function names: systemctl__nothing__here" },
        { "get_function_definitions", """{"names":["systemctl__service_management__restart_service"],"format":"gemini"}""", "format must be one of" },
        { "select_tool", """{"request":{"capabilities":["service_management"],"top_k":0}}""", "top_k" },
        { "select_tool", """{"request":{"capabilities":["service_management"],"mode":"sloppy"}}""", "mode" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task Bad_input_is_a_tool_error_that_says_what_to_fix(string tool, string arguments, string message)
    {
        var ct = TestContext.Current.CancellationToken;

        var response = await CallAsync("tools/call", $$"""{"name":"{{tool}}","arguments":{{arguments}}}""", ct);

        var result = response["result"] ?? throw new Xunit.Sdk.XunitException($"expected a tool result, got {response}");
        Assert.True(result["isError"]?.GetValue<bool>() == true, result.ToJsonString());
        Assert.Contains(message, result["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_platform_filter_returns_patterns_of_that_platform_only()
    {
        var ct = TestContext.Current.CancellationToken;

        var response = await CallAsync("tools/call", """{"name":"search_tools","arguments":{"query":"service","platform":"windows","limit":20}}""", ct);

        var results = response["result"]!["structuredContent"]!["results"]!.AsArray();
        Assert.NotEmpty(results);
        // Tools for every platform (multi-platform) qualify for each, as in GET /api/v1/search.
        Assert.All(results, r => Assert.Contains(r!["platform"]!.GetValue<string>(), (string[])["windows", "multi-platform"]));
        Assert.Contains(results, r => r!["platform"]!.GetValue<string>() == "windows");
        Assert.Equal(Enumerable.Range(1, results.Count), results.Select(r => r!["rank"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Select_tool_decides_as_the_rest_route_does_and_takes_an_alias()
    {
        var ct = TestContext.Current.CancellationToken;
        const string request = """{"capabilities":["restart_service"],"mode":"fast","variables":{"N":3},"top_k":3}""";

        var response = await CallAsync("tools/call", $$$"""{"name":"select_tool","arguments":{"request":{{{request}}}}}""", ct);
        using var rest = new HttpClient();
        using var decided = await rest.PostAsync(new Uri(api.OpenMcp, "/api/v1/select"), new StringContent(request, Encoding.UTF8, "application/json"), ct);
        var expected = JsonNode.Parse(await decided.Content.ReadAsStringAsync(ct))!;

        var result = response["result"]!;
        Assert.NotEqual(true, result["isError"]?.GetValue<bool>());
        var candidates = result["structuredContent"]!["candidates"]!.AsArray();
        Assert.NotEmpty(candidates);
        static IEnumerable<string> Decisions(JsonArray list) =>
            list.Select(c => $"{c!["tool"]!.ToJsonString()} {c["pattern"]!.ToJsonString()} {c["score"]!.ToJsonString()} {c["execution_mode"]?.ToJsonString() ?? c["executionMode"]?.ToJsonString()}");
        Assert.Equal(Decisions(expected["candidates"]!.AsArray()), Decisions(candidates));
        Assert.Equal(expected["mode"]!.ToJsonString(), result["structuredContent"]!["mode"]!.ToJsonString());
        var match = result["structuredContent"]!["capabilities"]![0]!;
        Assert.Equal(("service_management", "restart_service"), (match["capability"]!.GetValue<string>(), match["alias_applied"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("resources/read", """{"uri":"toolcatalog://tools/no_such_tool"}""", -32002)]
    [InlineData("resources/read", """{"uri":"toolcatalog://tools/systemctl/versions/9.9.9"}""", -32002)]
    [InlineData("resources/read", """{"uri":"file:///etc/passwd"}""", -32002)]
    [InlineData("resources/list", """{"cursor":"not-a-cursor"}""", -32602)]
    public async Task Bad_resource_requests_are_json_rpc_errors(string method, string parameters, int code)
    {
        var ct = TestContext.Current.CancellationToken;

        var response = await CallAsync(method, parameters, ct);

        Assert.True(response["error"]?["code"]?.GetValue<int>() == code, response.ToJsonString());
    }

    [Fact]
    public async Task An_older_version_reads_through_the_version_template()
    {
        var ct = TestContext.Current.CancellationToken;
        var current = JsonNode.Parse(await api.Open.Client.GetStringAsync("/api/v1/tools/systemctl", ct))!["version"]!.GetValue<string>();

        var response = await CallAsync("resources/read", $$"""{"uri":"toolcatalog://tools/systemctl/versions/{{current}}"}""", ct);

        var text = response["result"]!["contents"]![0]!["text"]!.GetValue<string>();
        Assert.Equal(current, JsonNode.Parse(text)!["version"]!.GetValue<string>());
        Assert.True(response["result"]!["_meta"]!["toolcatalog/revision"]!.GetValue<long>() > 0);
    }

    /// <summary>One JSON-RPC request; the stateless server answers it with one SSE message event.</summary>
    private async Task<JsonNode> CallAsync(string method, string parameters, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var body = $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, api.OpenMcp) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var data = text.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?["data: ".Length..]
            ?? (text.TrimStart().StartsWith('{') ? text : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode}: {text}"));
        return JsonNode.Parse(data)!;
    }
}
