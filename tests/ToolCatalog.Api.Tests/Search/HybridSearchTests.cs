using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using ToolCatalog.Api.Search;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Search;

/// <summary>
/// GET /api/v1/search: OR keyword ranking, semantic ranking from stored embeddings, their fusion, the platform filter,
/// and the background embedding worker (once per text, one replica per deployment).
/// </summary>
public sealed class HybridSearchTests(CatalogInfrastructure infra)
{
    private static readonly Dictionary<string, string?> Embedding = new()
    {
        ["Search:Embeddings:Enabled"] = "true",
        ["Search:Embeddings:PollInterval"] = "00:00:00.100",
    };

    [Fact]
    public async Task A_keyword_query_matches_any_of_its_words_and_ranks_the_best_match_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        // "frobnicate" and "zeppelin" are in no document: every word required would find nothing.
        var hits = await SearchAsync(host, "restart the frobnicate service zeppelin", "keyword", null, ct);

        Assert.NotEmpty(hits);
        Assert.Equal("systemctl", Tool(hits[0]));
        Assert.Contains("<mark>", hits[0]["highlight"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(hits, h => Assert.Equal("pattern", h["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_platform_filter_keeps_that_platform_and_multi_platform_tools()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "kubectl_logs", "ansible-playbook");

        var all = await SearchAsync(host, "run logs service playbook restart pod", "keyword", null, ct);
        var kubernetes = await SearchAsync(host, "run logs service playbook restart pod", "keyword", "kubernetes", ct);
        using var unknown = await host.Anonymous.GetAsync($"{Base}/search?q=logs&platform=mainframe", ct);

        Assert.Equal(["ansible-playbook", "kubectl_logs", "systemctl"], all.Select(Tool).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["ansible-playbook", "kubectl_logs"], kubernetes.Select(Tool).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("platform", ErrorPaths(await AssertProblemAsync(unknown, HttpStatusCode.BadRequest, ct)));
    }

    [Fact]
    public async Task A_request_sharing_no_word_with_the_tool_finds_it_by_meaning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, Embedding);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        await WaitForEmbeddingsAsync(host, ct);
        const string request = "what IP is this website on";

        var keyword = await SearchAsync(host, request, "keyword", null, ct);
        var semantic = await SearchAsync(host, request, "semantic", null, ct);
        var hybrid = await SearchAsync(host, request, null, null, ct);

        Assert.DoesNotContain(keyword, h => Tool(h) == "dig");
        Assert.Equal("dig", Tool(semantic[0]));
        Assert.Equal("dig", Tool(hybrid[0]));
    }

    [Fact]
    public async Task A_tool_written_now_is_found_by_keywords_at_once_and_by_meaning_once_embedded()
    {
        var ct = TestContext.Current.CancellationToken;
        // This replica looks for unembedded text only at start: the tool written below stays unembedded here.
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>(Embedding) { ["Search:Embeddings:PollInterval"] = "01:00:00" });
        await host.SeedAsync(ct, "systemctl");
        Assert.DoesNotContain(await SearchAsync(host, "dig record lookup", null, null, ct), h => Tool(h) == "dig");
        await host.SeedAsync(ct, "dig");

        var byKeyword = await SearchAsync(host, "dig record lookup", null, null, ct);
        Assert.Equal("dig", Tool(byKeyword[0]));
        Assert.True(await BacklogAsync(host, ct) > 0);
        Assert.DoesNotContain(await SearchAsync(host, "dig record lookup", "semantic", null, ct), h => Tool(h) == "dig");

        // A second replica on the same database embeds it; a replica that starts later loads it instead of computing.
        await using var replica = host.Replica(Embedding);
        await WaitForEmbeddingsAsync(replica, ct);
        Assert.Equal("dig", Tool((await SearchAsync(replica, "what IP is this website on", "semantic", null, ct))[0]));
    }

    [Fact]
    public async Task Text_already_embedded_is_never_embedded_again_across_imports_and_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, Embedding);
        using var embedded = Collector(host);
        await host.SeedAsync(ct, "systemctl", "dig");
        await WaitForEmbeddingsAsync(host, ct);
        var first = embedded.GetMeasurementSnapshot().Sum(m => m.Value);
        Assert.True(first > 0);
        Assert.Equal(first, await TextsAsync(host, ct));

        // The same files again, a new version of systemctl with the same texts, and one new tool: only its texts are new.
        var body = string.Join("\n---\n", new[] { "systemctl", "dig" }.Select(CatalogYaml));
        using (var again = await host.Writer.PostAsync(ToolsPath + "/import", Yaml(body), ct))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        var next = await host.NextVersionAsync("systemctl", "9.9.9", ct);
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        }
        await host.SeedAsync(ct, "kubectl_logs");
        await WaitForEmbeddingsAsync(host, ct);

        // Every distinct text of the served catalog embedded exactly once: systemctl 9.9.9 added none, kubectl_logs its own.
        var texts = await TextsAsync(host, ct);
        Assert.True(texts > first);
        Assert.Equal(texts, embedded.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    /// <summary>How many distinct texts the served catalog gives the sentence model (/health).</summary>
    private static async Task<long> TextsAsync(ApiTestHost host, CancellationToken ct)
    {
        using var response = await host.Anonymous.GetAsync("/health", ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["checks"]!["search"]!["data"]!["texts"]!.GetValue<int>();
    }

    [Fact]
    public async Task Of_two_replicas_only_one_embeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await StartAsync(infra, ct, Embedding);
        await using var second = first.Replica();
        using var firstEmbedded = Collector(first);
        using var secondEmbedded = Collector(second);

        await first.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        await WaitForEmbeddingsAsync(first, ct);
        await WaitForEmbeddingsAsync(second, ct);

        var counts = new[] { firstEmbedded.GetMeasurementSnapshot().Sum(m => m.Value), secondEmbedded.GetMeasurementSnapshot().Sum(m => m.Value) };
        Assert.Contains(0, counts);
        Assert.True(counts.Sum() > 0);
    }

    private static MetricCollector<long> Collector(ApiTestHost host) =>
        new(host.Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), SearchMetrics.MeterName,
            "toolcatalog.search.embeddings.computed");

    private static async Task<List<JsonNode>> SearchAsync(ApiTestHost host, string q, string? mode, string? platform, CancellationToken ct)
    {
        var url = $"{Base}/search?limit=100&q={Uri.EscapeDataString(q)}" + (mode is null ? "" : $"&mode={mode}")
            + (platform is null ? "" : $"&platform={platform}");
        using var response = await host.Anonymous.GetAsync(url, ct);
        return [.. (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsArray().Select(h => h!)];
    }

    private static string Tool(JsonNode hit) => hit["tool"]!.GetValue<string>();

    internal static async Task<int> BacklogAsync(ApiTestHost host, CancellationToken ct)
    {
        using var response = await host.Anonymous.GetAsync("/health", ct);
        var search = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["checks"]!["search"]!;
        return search["data"]!["model_ready"]!.GetValue<bool>() ? search["data"]!["backlog"]!.GetValue<int>() : -1;
    }

    /// <summary>Until the model is loaded and every pattern text of the served catalog has its embedding here.</summary>
    internal static async Task WaitForEmbeddingsAsync(ApiTestHost host, CancellationToken ct)
    {
        // Generous: the model loads once per process, and CI machines are slow and shared.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        int backlog;
        while ((backlog = await BacklogAsync(host, ct)) != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"embedding backlog still {backlog} (-1: model not loaded) after 3 min");
            await Task.Delay(50, ct);
        }
    }
}
