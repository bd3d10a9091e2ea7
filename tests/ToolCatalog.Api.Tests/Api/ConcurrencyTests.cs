using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>50 writers at once on one tool: no lost update, no duplicate version, no 5xx.</summary>
public sealed class ConcurrencyTests(CatalogInfrastructure infra)
{
    private const int Writers = 50;

    [Fact]
    public async Task Fifty_PUTs_with_the_same_If_Match_let_exactly_one_through()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (document, etag) = await host.GetToolAsync("systemctl", ct);

        var results = await PutAllAsync(host, document, i => $"1.1.{i}", etag, ct);

        AssertNoServerErrors(results);
        var winner = Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Contains(r.Status, (HttpStatusCode[])[HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict]));
        var versions = await VersionsAsync(host, ct);
        Assert.Equal(["1.0.0", winner.Version], versions.Select(v => v.Version).Order(StringComparer.Ordinal));
        Assert.Equal(winner.Version, S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
    }

    [Fact]
    public async Task Fifty_PUTs_without_If_Match_each_store_a_distinct_version_and_none_is_lost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (document, _) = await host.GetToolAsync("systemctl", ct);

        var results = await PutAllAsync(host, document, i => $"2.0.{i}", null, ct);

        // Without If-Match nothing is in conflict: the writes queue on the tool's lock and every one is stored.
        var refused = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.True(refused.Count == 0, string.Join('\n', refused.Select(r => $"{(int)r.Status} {r.Version}: {r.Body}")));
        var accepted = results.Select(r => r.Version).ToList();
        var versions = await VersionsAsync(host, ct);
        Assert.Equal(1 + accepted.Count, versions.Count);
        Assert.Equal(accepted.Append("1.0.0").Order(StringComparer.Ordinal), versions.Select(v => v.Version).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(v => v.Seq).Order());
        var current = Assert.Single(versions, v => v.Current);
        Assert.Equal(versions.Max(v => v.Seq), current.Seq);
        Assert.Equal(current.Version, S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
        Assert.Equal(accepted.Count, (await host.AuditActionsAsync("systemctl", ct)).Count(a => a.Action == "updated"));
    }

    [Fact]
    public async Task Fifty_PUTs_of_the_same_new_version_store_it_once_and_the_rest_are_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (document, _) = await host.GetToolAsync("systemctl", ct);

        var results = await PutAllAsync(host, document, _ => "3.0.0", null, ct, vary: true);

        AssertNoServerErrors(results);
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.Status));
        Assert.Equal(["1.0.0", "3.0.0"], (await VersionsAsync(host, ct)).Select(v => v.Version).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Fifty_POSTs_of_one_new_tool_create_it_once_and_the_rest_are_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var yaml = CatalogYaml("dig");

        var responses = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            using var response = await host.Writer.PostAsync(ToolsPath, Yaml(yaml), ct);
            return response.StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Created);
        Assert.All(responses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Single(await VersionsAsync(host, ct, "dig"));
        Assert.Equal(1, await host.RevisionAsync(ct));
    }

    private sealed record PutResult(string Version, HttpStatusCode Status, string Body);

    private sealed record StoredVersion(string Version, int Seq, bool Current);

    private static async Task<PutResult[]> PutAllAsync(ApiTestHost host, JsonObject document, Func<int, string> version, string? ifMatch,
        CancellationToken cancellationToken, bool vary = false)
    {
        var bodies = Enumerable.Range(0, Writers).Select(i =>
        {
            var copy = document.DeepClone().AsObject();
            copy["version"] = version(i);
            if (vary)
            {
                copy["description"] = $"Writer number {i} sends this description.";
            }
            return (Version: version(i), Json: copy.ToJsonString());
        }).ToList();
        // Every request is built first and released together, so they really overlap.
        using var start = new SemaphoreSlim(0);
        var tasks = bodies.Select(async body =>
        {
            await start.WaitAsync(cancellationToken);
            using var response = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(body.Json), ifMatch, cancellationToken);
            return new PutResult(body.Version, response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }).ToList();
        start.Release(Writers);
        return await Task.WhenAll(tasks);
    }

    private static void AssertNoServerErrors(IEnumerable<PutResult> results)
    {
        var errors = results.Where(r => (int)r.Status >= 500).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{(int)e.Status} {e.Version}: {e.Body}")));
    }

    private static async Task<List<StoredVersion>> VersionsAsync(ApiTestHost host, CancellationToken cancellationToken, string tool = "systemctl")
    {
        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/{tool}/versions", cancellationToken);
        return (await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken)).AsArray()
            .Select(v => new StoredVersion(S(v!, "version"), v!["seq"]!.GetValue<int>(), v["current"]!.GetValue<bool>())).ToList();
    }
}
