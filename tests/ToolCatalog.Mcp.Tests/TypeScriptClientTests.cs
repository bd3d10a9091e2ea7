using System.Text.Json.Nodes;

namespace ToolCatalog.Mcp.Tests;

/// <summary>
/// The official TypeScript SDK client (tests/mcp/sdk-client.mjs) against the running API, anonymously and with a read
/// key where reads are locked: it validates every result against the SDK's schemas and prints what it saw.
/// </summary>
public sealed class TypeScriptClientTests(McpApi api)
{
    private const string Request = "restart a service";

    public static TheoryData<bool> ReadsLocked => new(false, true);

    [Theory]
    [MemberData(nameof(ReadsLocked))]
    public async Task The_sdk_client_lists_the_tools_finds_a_pattern_in_plain_words_and_loads_only_its_definition(bool readsLocked)
    {
        var ct = TestContext.Current.CancellationToken;
        var url = readsLocked ? api.LockedMcp : api.OpenMcp;
        string[] arguments = readsLocked ? ["sdk-client.mjs", url.ToString(), Request, api.ReadKey] : ["sdk-client.mjs", url.ToString(), Request];

        var run = await NodeClients.RunAsync(arguments, TimeSpan.FromMinutes(2), ct);

        Assert.True(run.ExitCode == 0, $"sdk-client.mjs failed (exit {run.ExitCode})\n{run.Errors}\n{run.Output}");
        var seen = JsonNode.Parse(run.Output)!;
        var tools = seen["tools"]!.AsArray();
        Assert.Equal(["estimate", "get_function_definitions", "get_tool", "search_tools", "select_tool"], tools.Select(t => t!["name"]!.GetValue<string>()).Order());
        foreach (var tool in tools)
        {
            Assert.True(tool!["annotations"]?["readOnlyHint"]?.GetValue<bool>() == true, $"{tool["name"]} is not marked read-only");
            Assert.True(tool["annotations"]?["idempotentHint"]?.GetValue<bool>() == true, $"{tool["name"]} is not marked idempotent");
        }
        Assert.Contains("query", tools.Single(t => t!["name"]!.GetValue<string>() == "search_tools")!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        var revision = seen["toolsMeta"]!["toolcatalog/revision"]!.GetValue<long>();
        Assert.True(revision > 0);

        var search = seen["search"]!;
        Assert.False(search["isError"]!.GetValue<bool>());
        Assert.Equal(revision, search["meta"]!["toolcatalog/revision"]!.GetValue<long>());
        var results = search["structured"]!["results"]!.AsArray();
        Assert.InRange(results.Count, 1, 5);
        Assert.Contains(results, r => r!["tool"]!.GetValue<string>() == "systemctl" && r["pattern"]!.GetValue<string>() == "restart_service");
        var first = results[0]!;
        Assert.False(string.IsNullOrWhiteSpace(first["description"]!.GetValue<string>()));
        Assert.DoesNotContain('\n', first["description"]!.GetValue<string>());

        var definitions = seen["definitions"]!["structured"]!;
        Assert.False(seen["definitions"]!["isError"]!.GetValue<bool>());
        var definition = Assert.Single(definitions["definitions"]!.AsArray())!;
        Assert.Equal(first["functionName"]!.GetValue<string>(), definition["name"]!.GetValue<string>());
        Assert.Equal("object", definition["input_schema"]!["type"]!.GetValue<string>());
        Assert.False(seen["estimate"]!["isError"]!.GetValue<bool>());
        Assert.NotNull(seen["estimate"]!["structured"]!["policy"]!["immediate"]);

        Assert.True(seen["unknownTool"]!["isError"]!.GetValue<bool>());
        Assert.Contains("no_such_tool_anywhere", seen["unknownTool"]!["text"]!.GetValue<string>());

        Assert.Equal(["toolcatalog://tools/{name}", "toolcatalog://tools/{name}/versions/{version}"],
            seen["templates"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Equal(api.ToolCount, seen["resources"]!["count"]!.GetValue<int>());
        Assert.Equal(api.ToolCount, seen["resources"]!["distinct"]!.GetValue<int>());
        Assert.True(seen["resources"]!["pages"]!.GetValue<int>() > 1, "the resource list should need more than one page");
        Assert.Equal(first["tool"]!.GetValue<string>(), seen["read"]!["toolName"]!.GetValue<string>());
        Assert.Equal("application/json", seen["read"]!["mimeType"]!.GetValue<string>());
    }
}
