using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Discovery;

namespace ToolCatalog.Mcp.Tests;

/// <summary>Exported function names resolve back to their origin, exactly, for the whole catalog (hashed names too).</summary>
public sealed class FunctionNameTests(McpApi api)
{
    [Fact]
    public async Task Every_exported_function_of_the_catalog_resolves_to_its_tool_version_capability_and_pattern()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = api.Open.Client;
        var names = new List<string>();
        var hashed = 0;
        foreach (var path in Directory.EnumerateFiles(Testing.RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories))
        {
            var tool = Path.GetFileNameWithoutExtension(path);
            var document = JsonNode.Parse(await client.GetStringAsync($"/api/v1/tools/{tool}", ct))!;
            var origins = document["capabilities"]!.AsObject()
                .SelectMany(c => c.Value!["patterns"]!.AsObject().Select(p => (Capability: c.Key, Pattern: p.Key))).ToList();
            var exported = JsonNode.Parse(await client.GetStringAsync($"/api/v1/tools/{tool}/export?format=openai", ct))!.AsArray();
            Assert.Equal(origins.Count, exported.Count);
            foreach (var (function, origin) in exported.Zip(origins))
            {
                var name = function!["function"]!["name"]!.GetValue<string>();
                hashed += name.Length == FunctionNames.MaxLength && name[^9] == '_' ? 1 : 0;
                names.Add(name);

                var resolved = JsonNode.Parse(await client.GetStringAsync($"/api/v1/functions/{name}", ct))!;

                Assert.Equal(name, resolved["functionName"]!.GetValue<string>());
                Assert.Equal(tool, resolved["tool"]!.GetValue<string>());
                Assert.Equal(document["version"]!.GetValue<string>(), resolved["version"]!.GetValue<string>());
                Assert.Equal(origin.Capability, resolved["capability"]!.GetValue<string>());
                Assert.Equal(origin.Pattern, resolved["pattern"]!.GetValue<string>());
            }
        }
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.True(hashed > 0, "the catalog should include names too long for 64 characters (hashed)");
    }

    [Fact]
    public async Task An_unknown_function_name_is_a_404_problem()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await api.Open.Client.GetAsync("/api/v1/functions/systemctl__no_such_capability__restart", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("systemctl__no_such_capability__restart", await response.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [InlineData("a__b", "c", "d", "a", "b__c", "d")]
    [InlineData("a", "b__c", "d", "a", "b", "c__d")]
    [InlineData("aws.s3", "list", "objects", "aws_s3", "list", "objects")]
    public void Triples_that_join_to_the_same_text_get_different_names(string t1, string c1, string p1, string t2, string c2, string p2)
    {
        var first = FunctionNames.For(t1, c1, p1);
        var second = FunctionNames.For(t2, c2, p2);

        Assert.NotEqual(first, second);
        Assert.All((string[])[first, second], n => Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", n));
    }
}
