using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Api.Tests.Search;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>
/// <c>POST /api/v1/select</c> with a query and no capabilities: the capabilities are found by search, by meaning when
/// embeddings are ready, by keywords alone when they are off, and the response says which, from which hits, and how.
/// </summary>
public sealed class SelectFromQueryTests(CatalogInfrastructure infra)
{
    private const string Select = Base + "/select";

    [Fact]
    public async Task With_embeddings_off_the_capabilities_come_from_the_keyword_search_and_the_response_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        const string body = """{"query":"restart the nginx service on web-01 quickly"}""";

        using var first = await host.Reader.PostAsync(Select, Json(body), ct);
        using var second = await host.Anonymous.PostAsync(Select, Json(body), ct);

        var bytes = await first.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync(ct));
        var decision = JsonNode.Parse(bytes)!;
        var found = decision["capabilities_from_query"]!;
        Assert.Equal("keyword", found["search"]!.GetValue<string>());
        Assert.Contains("Enabled=false", found["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("service_management", found["capabilities"]![0]!.GetValue<string>());
        var hit = found["hits"]![0]!;
        Assert.Equal(("systemctl", "service_management", 1), (hit["tool"]!.GetValue<string>(), hit["capability"]!.GetValue<string>(), hit["rank"]!.GetValue<int>()));
        Assert.Equal("service_management", decision["capabilities"]![0]!["requested"]!.GetValue<string>());
        Assert.Equal("systemctl", decision["candidates"]![0]!["tool"]!.GetValue<string>());
        Assert.Equal("fast", decision["mode"]!["name"]!.GetValue<string>());
        Assert.Null(decision["hint"]);
    }

    [Fact]
    public async Task With_embeddings_ready_a_query_sharing_no_word_with_the_tool_finds_its_capability_by_meaning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>
        {
            ["Search:Embeddings:Enabled"] = "true",
            ["Search:Embeddings:PollInterval"] = "00:00:00.100",
        });
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        await HybridSearchTests.WaitForEmbeddingsAsync(host, ct);

        using var response = await host.Reader.PostAsync(Select, Json("""{"query":"what IP is this website on"}"""), ct);

        var found = (await ReadJsonAsync(response, HttpStatusCode.OK, ct))["capabilities_from_query"]!;
        Assert.Equal("hybrid", found["search"]!.GetValue<string>());
        Assert.Null(found["note"]);
        Assert.Equal("dig", found["hits"]![0]!["tool"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_query_that_finds_nothing_gets_the_hint_and_no_candidates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        using var response = await host.Reader.PostAsync(Select, Json("""{"query":"zqxj vbnmw"}"""), ct);

        var decision = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Empty(decision["capabilities_from_query"]!["capabilities"]!.AsArray());
        Assert.Empty(decision["candidates"]!.AsArray());
        Assert.Contains("the query found none", decision["hint"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
