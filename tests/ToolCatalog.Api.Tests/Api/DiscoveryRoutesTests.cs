using System.Net;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>The cross-tool routes: capabilities, pattern and full-text search, facets and statistics.</summary>
public sealed class DiscoveryRoutesTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Capabilities_are_listed_across_tools_and_each_leads_to_the_tools_offering_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        using var all = await host.Anonymous.GetAsync($"{Base}/capabilities", ct);
        using var one = await host.Anonymous.GetAsync($"{Base}/capabilities/dns_lookup/tools", ct);
        using var none = await host.Anonymous.GetAsync($"{Base}/capabilities/teleportation/tools", ct);

        var capabilities = (await ReadJsonAsync(all, HttpStatusCode.OK, ct)).AsArray();
        var names = capabilities.Select(c => S(c!, "name")).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("service_management", names);
        Assert.Contains("dns_lookup", names);
        var offered = capabilities.Where(c => c!["toolCount"]!.GetValue<int>() > 0).Select(c => S(c!, "name"));
        Assert.Equal(["dns_lookup", "log_query", "service_management", "service_status"], offered);
        var tool = Assert.Single((await ReadJsonAsync(one, HttpStatusCode.OK, ct)).AsArray())!;
        Assert.Equal("dig", S(tool, "tool"));
        Assert.Contains("record_lookup", tool["patterns"]!.AsArray().Select(p => p!.GetValue<string>()));
        await AssertProblemAsync(none, HttpStatusCode.NotFound, ct);
    }

    [Fact]
    public async Task The_vocabulary_is_served_with_aliases_and_counts_over_every_name_of_a_capability_and_names_outside_it_are_marked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig");
        // A catalog that still uses an alias, and one with a name of its own.
        var legacy = CatalogYaml("dig").Replace("tool_name: dig\n", "tool_name: dig_legacy\n", StringComparison.Ordinal)
            .Replace("\n  dns_lookup:\n", "\n  dns_query:\n", StringComparison.Ordinal);
        var own = CatalogYaml("dig").Replace("tool_name: dig\n", "tool_name: zone_walker\n", StringComparison.Ordinal)
            .Replace("\n  dns_lookup:\n", "\n  zone_walking:\n", StringComparison.Ordinal);
        using var import = await host.Writer.PostAsync(ToolsPath + "/import", Yaml(legacy + "\n---\n" + own), ct);
        var report = (await ReadJsonAsync(import, HttpStatusCode.OK, ct))["files"]!.AsArray();

        using var all = await host.Anonymous.GetAsync($"{Base}/capabilities", ct);
        using var byAlias = await host.Anonymous.GetAsync($"{Base}/capabilities/dns_query/tools", ct);
        using var bySpelling = await host.Anonymous.GetAsync($"{Base}/capabilities/DNS-Lookup/tools", ct);

        Assert.All(report, f => Assert.Equal("Added", S(f!, "outcome")));
        Assert.Empty(report.Single(f => S(f!, "tool") == "dig_legacy")!["problems"]!.AsArray());
        var warning = Assert.Single(report.Single(f => S(f!, "tool") == "zone_walker")!["problems"]!.AsArray())!;
        Assert.Equal(("Warning", "capabilities.zone_walking"), (S(warning, "severity"), S(warning, "path")));
        Assert.Contains("closest canonical capabilities: ", S(warning, "message"), StringComparison.Ordinal);
        var listed = (await ReadJsonAsync(all, HttpStatusCode.OK, ct)).AsArray().ToDictionary(c => S(c!, "name"), c => c!);
        var dns = listed["dns_lookup"];
        Assert.Equal((2, true), (dns["toolCount"]!.GetValue<int>(), dns["inVocabulary"]!.GetValue<bool>()));
        Assert.Contains("dns_query", dns["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["dns_lookup", "dns_query"], dns["namesInUse"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.False(listed.ContainsKey("dns_query"));
        Assert.Equal((0, true), (listed["backup"]["toolCount"]!.GetValue<int>(), listed["backup"]["inVocabulary"]!.GetValue<bool>()));
        var outside = listed["zone_walking"];
        Assert.Equal((1, false), (outside["toolCount"]!.GetValue<int>(), outside["inVocabulary"]!.GetValue<bool>()));
        Assert.Empty(outside["aliases"]!.AsArray());
        foreach (var response in (HttpResponseMessage[])[byAlias, bySpelling])
        {
            var tools = (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsArray();
            Assert.Equal([("dig", "dns_lookup"), ("dig_legacy", "dns_query")], tools.Select(t => (S(t!, "tool"), S(t!, "capability"))));
        }
    }

    [Fact]
    public async Task A_deployment_adds_capabilities_and_aliases_in_configuration_and_every_route_uses_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>
        {
            ["Catalog:Vocabularies:Capabilities:zone_walking:Description"] = "Enumerate the names of a DNS zone.",
            ["Catalog:Vocabularies:Capabilities:zone_walking:Aliases:0"] = "nsec_walk",
            ["Catalog:Vocabularies:Capabilities:dns_lookup:Aliases:0"] = "ask_the_resolver",
        });
        var own = CatalogYaml("dig").Replace("tool_name: dig\n", "tool_name: zone_walker\n", StringComparison.Ordinal)
            .Replace("\n  dns_lookup:\n", "\n  zone_walking:\n", StringComparison.Ordinal);
        using var import = await host.Writer.PostAsync(ToolsPath + "/import", Yaml(CatalogYaml("dig") + "\n---\n" + own), ct);

        using var all = await host.Anonymous.GetAsync($"{Base}/capabilities", ct);
        using var byAlias = await host.Anonymous.GetAsync($"{ToolsPath}?capability=Ask-The-Resolver", ct);
        using var select = await host.Reader.PostAsync($"{Base}/select", Json("""{"capabilities":["nsec_walk"]}"""), ct);

        var report = (await ReadJsonAsync(import, HttpStatusCode.OK, ct))["files"]!.AsArray();
        Assert.All(report, f => Assert.Empty(f!["problems"]!.AsArray()));
        var listed = (await ReadJsonAsync(all, HttpStatusCode.OK, ct)).AsArray().ToDictionary(c => S(c!, "name"), c => c!);
        Assert.Equal(("Enumerate the names of a DNS zone.", true), (S(listed["zone_walking"], "description"), listed["zone_walking"]["inVocabulary"]!.GetValue<bool>()));
        Assert.Contains("ask_the_resolver", listed["dns_lookup"]["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["dig"], (await ReadJsonAsync(byAlias, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => S(i!, "name")));
        var match = (await ReadJsonAsync(select, HttpStatusCode.OK, ct))["capabilities"]![0]!;
        Assert.Equal(("zone_walking", "nsec_walk"), (S(match, "capability"), S(match, "alias_applied")));
    }

    [Fact]
    public async Task Search_ranks_hits_with_highlights_and_tolerates_a_typo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        using var exact = await host.Anonymous.GetAsync($"{Base}/search?q=restart%20service", ct);
        using var typo = await host.Anonymous.GetAsync($"{Base}/search?q=systmctl", ct);
        using var missing = await host.Anonymous.GetAsync($"{Base}/search", ct);
        using var badLimit = await host.Anonymous.GetAsync($"{Base}/search?q=dns&limit=0", ct);

        var hits = (await ReadJsonAsync(exact, HttpStatusCode.OK, ct)).AsArray();
        Assert.NotEmpty(hits);
        Assert.Equal("systemctl", S(hits[0]!, "tool"));
        var ranks = hits.Select(h => h!["rank"]!.GetValue<double>()).ToList();
        Assert.Equal(ranks.OrderDescending(), ranks);
        Assert.Contains(hits, h => S(h!, "highlight").Contains("<mark>", StringComparison.Ordinal));
        Assert.Contains((await ReadJsonAsync(typo, HttpStatusCode.OK, ct)).AsArray(), h => S(h!, "tool") == "systemctl");
        Assert.Contains("q", ErrorPaths(await AssertProblemAsync(missing, HttpStatusCode.BadRequest, ct)));
        Assert.Contains("limit", ErrorPaths(await AssertProblemAsync(badLimit, HttpStatusCode.BadRequest, ct)));
    }

    [Fact]
    public async Task Pattern_search_matches_use_cases()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        using var response = await host.Anonymous.GetAsync($"{Base}/patterns/search?use_case=recover%20a%20crashed%20daemon", ct);
        using var missing = await host.Anonymous.GetAsync($"{Base}/patterns/search?use_case=%20", ct);

        var matches = (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsArray();
        var first = matches[0]!;
        Assert.Equal(("systemctl", "restart_service"), (S(first, "tool"), S(first, "pattern")));
        Assert.Contains("recover a crashed daemon", first["matchedUseCases"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Contains("use_case", ErrorPaths(await AssertProblemAsync(missing, HttpStatusCode.BadRequest, ct)));
    }

    [Theory]
    // A typo is corrected, a need worded differently matches on most of its words, and the matched use cases say why.
    [InlineData("a crashd daemon", "systemctl/restart_service", "recover a crashed daemon")]
    [InlineData("restart the web server after changing its configuration", "systemctl/restart_service", "restart a web server after a configuration change")]
    [InlineData("check the SPF records before a mail change", "dig/", "check MX, TXT (SPF/DKIM/DMARC) and CAA records before a mail or certificate change")]
    // Words that no use case holds, or only stop words, match nothing.
    [InlineData("bake a chocolate cake", null, null)]
    [InlineData("how do I do it", null, null)]
    public async Task Pattern_search_ranks_the_patterns_whose_use_cases_hold_the_need(string need, string? first, string? matchedUseCase)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        using var response = await host.Anonymous.GetAsync($"{Base}/patterns/search?use_case={Uri.EscapeDataString(need)}", ct);

        var matches = (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsArray();
        if (first is null)
        {
            Assert.Empty(matches);
            return;
        }
        var top = matches[0]!;
        Assert.StartsWith(first, $"{S(top, "tool")}/{S(top, "pattern")}", StringComparison.Ordinal);
        Assert.Contains(matchedUseCase, top["matchedUseCases"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.All(matches, m => Assert.NotEmpty(m!["matchedUseCases"]!.AsArray()));
        var ranks = matches.Select(m => m!["rank"]!.GetValue<double>()).ToList();
        Assert.Equal(ranks.OrderByDescending(r => r), ranks);
    }

    [Fact]
    public async Task Platforms_categories_and_stats_count_the_live_tools()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        using (var before = await host.Anonymous.GetAsync($"{Base}/stats", ct))
        {
            var counted = await ReadJsonAsync(before, HttpStatusCode.OK, ct);
            Assert.Equal(3, counted["revision"]!.GetValue<long>());
            Assert.Equal(3, counted["counts"]!["totals"]!["tools"]!.GetValue<long>());
        }
        using (var delete = await host.Writer.DeleteAsync($"{ToolsPath}/kubectl_logs", ct))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using var platforms = await host.Anonymous.GetAsync($"{Base}/platforms", ct);
        using var categories = await host.Anonymous.GetAsync($"{Base}/categories", ct);

        Assert.Equal(["linux:1", "network:1"], (await ReadJsonAsync(platforms, HttpStatusCode.OK, ct)).AsArray()
            .Select(f => $"{S(f!, "name")}:{f!["count"]!.GetValue<int>()}"));
        Assert.Equal(["network:1", "system:1"], (await ReadJsonAsync(categories, HttpStatusCode.OK, ct)).AsArray()
            .Select(f => $"{S(f!, "name")}:{f!["count"]!.GetValue<int>()}"));
        // Read once, right after the delete answered: the counts of revision 3 are not served for revision 4.
        using var stats = await host.Anonymous.GetAsync($"{Base}/stats", ct);
        var body = await ReadJsonAsync(stats, HttpStatusCode.OK, ct);
        Assert.Equal(4, body["revision"]!.GetValue<long>());
        var counts = body["counts"]!;
        Assert.Equal(2, counts["totals"]!["tools"]!.GetValue<long>());
        Assert.Equal(1, counts["totals"]!["deleted_tools"]!.GetValue<long>());
        Assert.Equal(1, counts["platform"]!["linux"]!.GetValue<long>());
        Assert.False(counts["platform"]!.AsObject().ContainsKey("kubernetes"));
        var (capabilities, patterns) = (0L, 0L);
        foreach (var tool in (string[])["systemctl", "dig"])
        {
            using var read = await host.Anonymous.GetAsync($"{ToolsPath}/{tool}", ct);
            var offered = (await ReadJsonAsync(read, HttpStatusCode.OK, ct))["capabilities"]!.AsObject();
            capabilities += offered.Count;
            patterns += offered.Sum(c => c.Value!["patterns"]!.AsObject().Count);
        }
        Assert.Equal((capabilities, patterns), (counts["totals"]!["capabilities"]!.GetValue<long>(), counts["totals"]!["patterns"]!.GetValue<long>()));
    }
}
