using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>A write on one replica is served by the others once its invalidation message arrives (waited on, never slept).</summary>
public sealed class InvalidationTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Create_update_rollback_and_delete_on_A_are_served_by_B_and_C()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(3, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b, c) = (replicas.Clients[0], replicas.Clients[1], replicas.Clients[2]);
        // Touch B and C first so they are running and subscribed before A writes.
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/v1/tools/svc", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/api/v1/tools/svc", ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("svc", "1.0.0")), ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "svc", ct) == "1.0.0", Deadline, ct), "create not seen on B");
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(c, "svc", ct) == "1.0.0", Deadline, ct), "create not seen on C");

        Assert.Equal(HttpStatusCode.OK, (await a.PutAsync("/api/v1/tools/svc", Replicas.Yaml(Replicas.Tool("svc", "1.1.0", 0.4)), ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "svc", ct) == "1.1.0", Deadline, ct), "update not seen on B");

        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync("/api/v1/tools/svc/rollback", new { version = "1.0.0" }, ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "svc", ct) == "1.0.0+rollback.3", Deadline, ct),
            "rollback not seen on B");

        Assert.Equal(HttpStatusCode.OK, (await a.DeleteAsync("/api/v1/tools/svc", ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(c, "svc", ct) is null, Deadline, ct), "delete not seen on C");
    }

    [Fact]
    public async Task Disable_import_and_manual_reload_reach_the_other_replica()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/v1/tools/imp1", ct)).StatusCode);

        var body = Replicas.Tool("imp1", "1.0.0") + "---\n" + Replicas.Tool("imp2", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/v1/tools/import", Replicas.Yaml(body), ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "imp2", ct) == "1.0.0", Deadline, ct), "import not seen on B");

        Assert.Equal(HttpStatusCode.OK, (await a.PatchAsync("/api/v1/tools/imp1/disable", null, ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.EnabledAsync(b, "imp1", ct) == false, Deadline, ct), "disable not seen on B");

        var reload = await a.PostAsJsonAsync("/api/v1/reload", new { }, ct);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        using var history = JsonDocument.Parse(await (await b.GetAsync("/api/v1/reload/history?trigger=manual", ct)).Content.ReadAsStringAsync(ct));
        var manual = Assert.Single(history.RootElement.EnumerateArray());
        Assert.Equal("replica-admin", manual.GetProperty("actor").GetString());
        Assert.Equal("succeeded", manual.GetProperty("result").GetString());
        // A write's history row is written after its answer: wait for it.
        Assert.True(await Replicas.EventuallyAsync(async () =>
        {
            using var apiReloads = JsonDocument.Parse(await (await b.GetAsync("/api/v1/reload/history?trigger=api", ct)).Content.ReadAsStringAsync(ct));
            return apiReloads.RootElement.GetArrayLength() == 2; // the import and the disable
        }, Deadline, ct), "the import's and the disable's reloads were not recorded");
    }

    [Fact]
    public async Task List_pages_on_B_follow_a_write_on_A()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        Assert.Equal(0, await TotalAsync(b, ct)); // cached on B at revision 0

        await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("listed", "1.0.0")), ct);

        Assert.True(await Replicas.EventuallyAsync(async () => await TotalAsync(b, ct) == 1, Deadline, ct), "B kept serving the old page");
    }

    [Fact]
    public async Task Concurrent_writers_on_two_replicas_fail_nothing_and_every_replica_ends_on_every_last_version()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(3, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var clients = replicas.Clients;
        string[] tools = ["burst_a", "burst_b", "burst_c", "burst_d"];
        foreach (var tool in tools)
        {
            Assert.Equal(HttpStatusCode.Created, (await clients[0].PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool(tool, "1.0.0")), ct)).StatusCode);
        }
        const int versions = 8;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        // Each tool has one writer (its versions commit in order); writers alternate between replicas A and B while
        // replica C only receives. Messages pile up on every receiver and the one-second catch-up runs meanwhile.
        await Task.WhenAll(tools.Select(async (tool, i) =>
        {
            for (var v = 1; v <= versions; v++)
            {
                var writer = clients[(i + v) % 2];
                using var response = await writer.PutAsync($"/api/v1/tools/{tool}", Replicas.Yaml(Replicas.Tool(tool, $"1.0.{v}")), ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{tool} 1.0.{v}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
        }));

        Assert.Empty(failures);
        for (var r = 0; r < clients.Count; r++)
        {
            var client = clients[r];
            foreach (var tool in tools)
            {
                Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(client, tool, ct) == $"1.0.{versions}", Deadline, ct),
                    $"{tool} never reached 1.0.{versions} on replica {r}");
            }
        }
    }

    private static async Task<int> TotalAsync(HttpClient client, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await (await client.GetAsync("/api/v1/tools?platform=linux", ct)).Content.ReadAsStringAsync(ct));
        return doc.RootElement.GetProperty("total").GetInt32();
    }
}
