using System.Net;
using System.Text.Json;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>
/// Tool reads and list pages are written from the served snapshot: they make no cache lookups (so a write has no list
/// or search entry of other tools to miss), and a replica serves a change from the moment it applied the invalidation.
/// </summary>
public sealed class SnapshotReadTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_on_A_changes_the_lists_holding_the_tool_on_B_and_no_other_and_no_read_looks_up_the_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("snap_written", "1.0.0")), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/tools", Replicas.Yaml(OnPlatform("snap_other", "network")), ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "snap_other", ct) == "1.0.0", Deadline, ct), "create not seen on B");
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "snap_written", ct) == "1.0.0", Deadline, ct), "create not seen on B");
        var otherBefore = await PageAsync(b, "/api/v1/tools?platform=network", ct);
        var lookupsBefore = await CacheLookupsAsync(b, ct);

        using (var put = await a.PutAsync("/api/v1/tools/snap_written", Replicas.Yaml(Replicas.Tool("snap_written", "1.1.0", 0.4)), ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "snap_written", ct) == "1.1.0", Deadline, ct),
            "B never served the new version");

        // From then on B never serves the older version again, in a tool read or in a list holding the tool.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("1.1.0", await Replicas.VersionAsync(b, "snap_written", ct));
            var linux = await PageAsync(b, "/api/v1/tools?platform=linux", ct);
            Assert.Equal("1.1.0", linux.RootElement.GetProperty("items").EnumerateArray()
                .Single(t => t.GetProperty("name").GetString() == "snap_written").GetProperty("version").GetString());
        }
        // The list on another platform holds the same tools; only the revision it is served at moved on.
        var otherAfter = await PageAsync(b, "/api/v1/tools?platform=network", ct);
        Assert.Equal(otherBefore.RootElement.GetProperty("items").GetRawText(), otherAfter.RootElement.GetProperty("items").GetRawText());
        Assert.Equal(otherBefore.RootElement.GetProperty("total").GetInt32(), otherAfter.RootElement.GetProperty("total").GetInt32());
        Assert.True(otherAfter.RootElement.GetProperty("revision").GetInt64() > otherBefore.RootElement.GetProperty("revision").GetInt64());

        // Twenty-odd tool reads and forty-odd list pages later, not one cache lookup: nothing was there to miss.
        Assert.Equal(lookupsBefore, await CacheLookupsAsync(b, ct));
    }

    private static string OnPlatform(string name, string platform) =>
        Replicas.Tool(name, "1.0.0").Replace("platform: linux", $"platform: {platform}", StringComparison.Ordinal);

    private static async Task<JsonDocument> PageAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>L1 hits, L2 hits and misses together: every lookup the replica's cache answered.</summary>
    private static async Task<long> CacheLookupsAsync(HttpClient client, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/metrics", ct));
        var cache = doc.RootElement.GetProperty("cache");
        return cache.GetProperty("l1Hits").GetInt64() + cache.GetProperty("l2Hits").GetInt64() + cache.GetProperty("misses").GetInt64();
    }
}
