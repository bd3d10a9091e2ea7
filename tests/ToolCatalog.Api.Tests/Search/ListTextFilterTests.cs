using System.Net;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Search;

/// <summary>
/// The tool list's <c>?q=</c> filter runs on the in-memory keyword index of the served snapshot: every word must be
/// found somewhere in a tool (name, description, capabilities, patterns, use cases), a misspelt word is corrected, and
/// a tool's new version is what it is found by.
/// </summary>
public sealed class ListTextFilterTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Q_matches_tools_holding_every_word_anywhere_in_their_text_and_forgives_a_typo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        Assert.Equal(["dig"], await NamesAsync(host, "split horizon", ct));            // a pattern's use case
        Assert.Equal(["dig"], await NamesAsync(host, "authoritative resolver", ct));   // a capability's description
        Assert.Equal(["systemctl"], await NamesAsync(host, "systmctl", ct));           // the name, misspelt
        Assert.Empty(await NamesAsync(host, "dns systemd", ct));                       // each word in another tool: no tool holds both
        Assert.Empty(await NamesAsync(host, "the", ct));                               // stop words say nothing
    }

    [Fact]
    public async Task Q_finds_a_tool_by_its_new_version_and_no_longer_by_the_words_it_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "dig");
        Assert.Equal(["dig"], await NamesAsync(host, "split horizon", ct));

        var next = await host.NextVersionAsync("dig", "9.0.0", ct, document =>
            document["capabilities"]!["dns_lookup"]!["patterns"]!["record_lookup"]!["typical_use_cases"] = new System.Text.Json.Nodes.JsonArray("zebra quokka"));
        using var put = await host.Writer.PutAsync($"{ToolsPath}/dig", Json(next), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Equal(["dig"], await NamesAsync(host, "zebra quokka", ct));
        Assert.Empty(await NamesAsync(host, "split horizon", ct));
    }

    private static async Task<List<string>> NamesAsync(ApiTestHost host, string q, CancellationToken ct)
    {
        using var response = await host.Anonymous.GetAsync($"{ToolsPath}?q={Uri.EscapeDataString(q)}", ct);
        var page = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        return page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();
    }
}
