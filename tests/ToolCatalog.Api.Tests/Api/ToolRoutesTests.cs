using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>The tool read routes over HTTP: lists, one tool, versions, diffs, capabilities, patterns and estimates.</summary>
public sealed class ToolRoutesTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Full_text_q_finds_tools_by_what_they_do_and_view_full_returns_whole_documents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");

        using var dns = await host.Anonymous.GetAsync($"{ToolsPath}?q=dns%20lookup&view=full", ct);
        var page = await ReadJsonAsync(dns, HttpStatusCode.OK, ct);

        var item = Assert.Single(page["items"]!.AsArray())!.AsObject();
        Assert.Equal("dig", S(item, "tool_name"));
        Assert.True(item["capabilities"]!.AsObject().ContainsKey("dns_lookup"));
        using var none = await host.Anonymous.GetAsync($"{ToolsPath}?q=zzzqqqxxx", ct);
        Assert.Empty((await ReadJsonAsync(none, HttpStatusCode.OK, ct))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_tool_read_carries_an_etag_and_If_None_Match_with_it_gives_304()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        using var first = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl", ct);
        var document = await ReadJsonAsync(first, HttpStatusCode.OK, ct);
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ToolsPath}/systemctl");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await host.Anonymous.SendAsync(request, ct);
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"{ToolsPath}/systemctl");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var third = await host.Anonymous.SendAsync(stale, ct);

        Assert.Equal("systemctl", S(document.AsObject(), "tool_name"));
        Assert.False(etag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task An_unknown_tool_is_a_404_problem_on_every_tool_route()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        foreach (var path in (string[])["nope", "nope/versions", "nope/versions/1.0.0", "nope/diff?from=1.0.0", "nope/capabilities",
            "nope/capabilities/a/patterns/b", "nope/export?format=openai", "systemctl/versions/9.9.9", "systemctl/diff?from=9.9.9",
            "systemctl/capabilities/service_management/patterns/nope", "systemctl/capabilities/nope/patterns/restart_service"])
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}/{path}", ct);
            await AssertProblemAsync(response, HttpStatusCode.NotFound, ct);
        }
    }

    [Fact]
    public async Task Accept_application_yaml_returns_the_tool_as_YAML()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ToolsPath}/systemctl");
        request.Headers.Accept.ParseAdd("application/yaml");

        using var response = await host.Anonymous.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        var yaml = await response.Content.ReadAsStringAsync(ct);
        Assert.Empty(YamlDataComparer.Differences(ReadYaml(CatalogYaml("systemctl")), ReadYaml(yaml)));
    }

    [Fact]
    public async Task Versions_are_listed_newest_first_and_each_can_be_read_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct, d => d["description"] = "Version two.");
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl?reason=second", Json(next), ct))
        {
            await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        }

        using var list = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        var versions = (await ReadJsonAsync(list, HttpStatusCode.OK, ct)).AsArray();
        using var old = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions/1.0.0", ct);
        var oldDocument = await ReadJsonAsync(old, HttpStatusCode.OK, ct);

        Assert.Equal(["1.1.0", "1.0.0"], versions.Select(v => S(v!, "version")));
        Assert.Equal([2, 1], versions.Select(v => v!["seq"]!.GetValue<int>()));
        Assert.Equal([true, false], versions.Select(v => v!["current"]!.GetValue<bool>()));
        Assert.Equal(WriterName, S(versions[0]!, "createdBy"));
        Assert.Equal("second", S(versions[0]!, "reason"));
        Assert.Equal("1.0.0", S(oldDocument, "version"));
        Assert.NotNull(old.Headers.ETag);
        Assert.StartsWith("Control the systemd", S(oldDocument, "description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_diff_lists_changes_and_flags_each_kind_of_breaking_change()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = await host.NextVersionAsync("systemctl", "2.0.0", ct, d =>
        {
            var restart = d["capabilities"]!["service_management"]!["patterns"]!["restart_service"]!;
            restart["required_inputs"]!.AsArray().Add(new JsonObject { ["name"] = "host", ["type"] = "string", ["description"] = "Target host" });
            restart["output_schema"]!["properties"]!.AsObject().Remove("exit_code");
            d["capabilities"]!["service_status"]!["patterns"]!["list_failed_units"]!["policy"]!["requires_approval"] = true;
            d["description"] = "Changed in a breaking way.";
        });
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct))
        {
            await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        }

        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/diff?from=1.0.0&to=2.0.0", ct);
        var diff = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        using var implicitTo = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/diff?from=1.0.0", ct);
        using var same = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/diff?from=2.0.0&to=2.0.0", ct);
        using var noFrom = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/diff", ct);

        const string Restart = "capabilities.service_management.patterns.restart_service";
        var breaking = diff["breaking"]!.AsArray().Select(b => (S(b!, "path"), S(b!, "reason"))).ToList();
        Assert.Contains(($"{Restart}.required_inputs.host", "required input added"), breaking);
        Assert.Contains(($"{Restart}.output_schema.properties.exit_code", "output field removed"), breaking);
        Assert.Contains(breaking, b => b.Item1 == "capabilities.service_status.patterns.list_failed_units.policy.requires_approval"
            && b.Item2.Contains("stricter", StringComparison.Ordinal));
        Assert.Equal(3, breaking.Count);
        var changes = diff["changes"]!.AsArray().Select(c => (S(c!, "path"), S(c!, "kind"))).ToList();
        Assert.Contains(("version", "changed"), changes);
        Assert.Contains(("description", "changed"), changes);
        Assert.Contains(($"{Restart}.output_schema.properties.exit_code", "removed"), changes);
        Assert.Equal("2.0.0", S(await ReadJsonAsync(implicitTo, HttpStatusCode.OK, ct), "to"));
        var none = await ReadJsonAsync(same, HttpStatusCode.OK, ct);
        Assert.Empty(none["changes"]!.AsArray());
        Assert.Empty(none["breaking"]!.AsArray());
        Assert.Contains("from", ErrorPaths(await AssertProblemAsync(noFrom, HttpStatusCode.BadRequest, ct)));
    }

    [Fact]
    public async Task A_removed_input_and_a_retyped_input_are_breaking_too()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = await host.NextVersionAsync("systemctl", "1.0.1", ct, d =>
        {
            var optional = d["capabilities"]!["service_management"]!["patterns"]!["restart_service"]!["optional_inputs"]!.AsArray();
            optional.RemoveAt(optional.ToList().FindIndex(i => S(i!, "name") == "no_block"));
            d["capabilities"]!["service_status"]!["patterns"]!["list_failed_units"]!["optional_inputs"]![0]!["type"] = "array";
            d["capabilities"]!["service_status"]!["patterns"]!["list_failed_units"]!["optional_inputs"]![0]!.AsObject().Remove("validation");
        });
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct))
        {
            await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        }

        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/diff?from=1.0.0&to=1.0.1", ct);

        var reasons = (await ReadJsonAsync(response, HttpStatusCode.OK, ct))["breaking"]!.AsArray().Select(b => S(b!, "reason")).ToList();
        Assert.Contains("input removed", reasons);
        Assert.Contains("input type changed from string to array", reasons);
    }

    [Fact]
    public async Task Capabilities_and_patterns_of_a_tool_are_served_as_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        using var capabilities = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/capabilities", ct);
        using var pattern = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/capabilities/service_management/patterns/restart_service", ct);

        var list = (await ReadJsonAsync(capabilities, HttpStatusCode.OK, ct)).AsArray();
        Assert.Equal(["service_management", "service_status"], list.Select(c => S(c!, "name")));
        Assert.Equal(["restart_service"], list[0]!["patterns"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("Start, stop, restart and reload systemd units.", S(list[0]!, "description"));
        var body = await ReadJsonAsync(pattern, HttpStatusCode.OK, ct);
        Assert.Equal("500 + 1500 * N", S(body, "time_estimate_ms"));
        Assert.True(body["policy"]!["requires_approval"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Every_response_carries_the_catalog_revision_and_it_grows_with_each_write()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var start = await host.RevisionAsync(ct);
        await host.SeedAsync(ct, "systemctl", "dig");
        var afterImport = await host.RevisionAsync(ct);
        using var disable = await host.Writer.PatchAsync($"{ToolsPath}/dig/disable", null, ct);
        var afterDisable = Revision(disable);

        Assert.Equal(0, start);
        Assert.Equal(2, afterImport);
        Assert.Equal(3, afterDisable);
        Assert.Equal(3, await host.RevisionAsync(ct));
        using var notModifiedRequest = new HttpRequestMessage(HttpMethod.Get, $"{ToolsPath}/systemctl");
        notModifiedRequest.Headers.TryAddWithoutValidation("If-None-Match", (await host.GetToolAsync("systemctl", ct)).ETag);
        foreach (var (client, request) in new (HttpClient, HttpRequestMessage)[]
        {
            (host.Anonymous, new(HttpMethod.Get, ToolsPath)),
            (host.Anonymous, new(HttpMethod.Get, $"{ToolsPath}/nope")),
            (host.Anonymous, new(HttpMethod.Get, $"{ToolsPath}?limit=0")),
            (host.Anonymous, notModifiedRequest),
            (host.Anonymous, new(HttpMethod.Post, ToolsPath) { Content = Json("{}") }),
            (host.Reader, new(HttpMethod.Delete, $"{ToolsPath}/dig")),
            (host.Writer, new(HttpMethod.Post, ToolsPath) { Content = Json("{") }),
            (host.Anonymous, new(HttpMethod.Get, "/openapi/v1.json")),
            (host.Anonymous, new(HttpMethod.Get, "/no/such/route")),
        })
        {
            using (request)
            using (var response = await client.SendAsync(request, ct))
            {
                Assert.Equal(3, Revision(response));
            }
        }
    }


    private static YamlNode ReadYaml(string text)
    {
        var problems = new List<ToolCatalog.Catalog.Validation.CatalogProblem>();
        var documents = YamlReader.ReadAll(text, "test", problems);
        Assert.Empty(problems);
        return Assert.Single(documents);
    }
}
