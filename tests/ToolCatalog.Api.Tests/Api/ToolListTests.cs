using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// The whole catalog folder imported once (with dig disabled), shared by the list tests below: they only read, and
/// importing 229 tools for each of them would cost seconds apiece.
/// </summary>
public sealed class WholeCatalogHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;
    public int Total { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = await StartAsync(infra, ct);
        Total = await Host.SeedWholeCatalogAsync(ct);
        using var disable = await Host.Writer.PatchAsync($"{ToolsPath}/dig/disable", null, ct);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>GET /api/v1/tools over the whole catalog: default page, cursor paging, every filter, limits.</summary>
public sealed class ToolListTests(WholeCatalogHost fixture) : IClassFixture<WholeCatalogHost>
{
    [Fact]
    public async Task A_list_without_parameters_returns_50_summaries_in_name_order_with_a_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, total) = (fixture.Host, fixture.Total);

        using var response = await host.Anonymous.GetAsync(ToolsPath, ct);

        var page = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        var items = page["items"]!.AsArray();
        Assert.Equal(50, items.Count);
        Assert.Equal(50, page["count"]!.GetValue<int>());
        Assert.Equal(total, page["total"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(page["nextCursor"]?.GetValue<string>()));
        var names = items.Select(i => i!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var first = items[0]!.AsObject();
        foreach (var key in (string[])["name", "version", "description", "platform", "category", "status", "enabled", "capabilities", "tags"])
        {
            Assert.True(first.ContainsKey(key), $"summary lacks {key}");
        }
        Assert.IsType<JsonArray>(first["capabilities"]);
    }

    [Fact]
    public async Task Paging_with_the_cursor_visits_every_tool_once_in_the_same_order_as_one_big_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, total) = (fixture.Host, fixture.Total);

        using var all = await host.Anonymous.GetAsync($"{ToolsPath}?limit=500", ct);
        var everything = (await ReadJsonAsync(all, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();
        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}?limit=37" + (cursor is null ? "" : $"&cursor={cursor}"), ct);
            var page = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
            paged.AddRange(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(++pages <= total / 37 + 1, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(total, everything.Count);
        Assert.Equal(everything, paged);
        Assert.Equal(paged.Count, paged.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(paged.Order(StringComparer.Ordinal), paged);
    }

    [Fact]
    public async Task Every_filter_returns_exactly_the_tools_that_match_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        using var all = await host.Anonymous.GetAsync($"{ToolsPath}?limit=500&view=full", ct);
        var documents = (await ReadJsonAsync(all, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        var cases = new (string Query, Func<JsonObject, bool> Expected)[]
        {
            ("platform=linux", d => S(d, "platform") == "linux"),
            ("category=container", d => S(d, "category") == "container"),
            ("status=deprecated", d => S(d, "status") == "deprecated"),
            ("enabled=false", d => !d["enabled"]!.GetValue<bool>()),
            ("enabled=true", d => d["enabled"]!.GetValue<bool>()),
            ("tag=dns", d => d["metadata"]?["tags"] is JsonArray tags && tags.Any(t => t!.GetValue<string>() == "dns")),
            ("capability=service_management", d => d["capabilities"]!.AsObject().ContainsKey("service_management")),
            // An alias, and a canonical name spelt otherwise, find the tools whose files use the canonical name.
            ("capability=logical_backup", d => d["capabilities"]!.AsObject().ContainsKey("backup")),
            ("capability=Log-Query", d => d["capabilities"]!.AsObject().ContainsKey("log_query")),
            ("name=kubectl_", d => S(d, "tool_name").StartsWith("kubectl_", StringComparison.OrdinalIgnoreCase)),
            ("platform=network&category=network", d => S(d, "platform") == "network" && S(d, "category") == "network"),
        };
        foreach (var (query, expected) in cases)
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}?limit=500&{query}", ct);
            var names = (await ReadJsonAsync(response, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();
            var want = documents.Where(expected).Select(d => S(d, "tool_name")).ToList();
            Assert.True(want.Count > 0, $"{query}: the catalog has no tool to test this filter with");
            Assert.True(want.SequenceEqual(names), $"{query}: expected [{string.Join(", ", want)}] got [{string.Join(", ", names)}]");
        }
        Assert.Equal(["dig"], documents.Where(d => !d["enabled"]!.GetValue<bool>()).Select(d => S(d, "tool_name")));
    }

    [Fact]
    public async Task Limits_from_1_to_500_are_accepted_and_everything_else_is_a_400_naming_the_parameter()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        foreach (var limit in (int[])[1, 2, 499, 500])
        {
            using var ok = await host.Anonymous.GetAsync($"{ToolsPath}?limit={limit}", ct);
            Assert.Equal(Math.Min(limit, fixture.Total), (await ReadJsonAsync(ok, HttpStatusCode.OK, ct))["items"]!.AsArray().Count);
        }
        foreach (var (query, path) in new (string, string)[] { ("limit=0", "limit"), ("limit=501", "limit"), ("limit=-1", "limit"),
            ("limit=ten", "limit"), ("cursor=not-a-cursor", "cursor"), ("view=everything", "view"), ("platform=amiga", "platform"),
            ("category=toys", "category"), ("status=retired", "status"), ("enabled=yes", "enabled") })
        {
            using var bad = await host.Anonymous.GetAsync($"{ToolsPath}?{query}", ct);
            var problem = await AssertProblemAsync(bad, HttpStatusCode.BadRequest, ct);
            Assert.Contains(path, ErrorPaths(problem));
        }
    }
}
