using System.Buffers.Text;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// List cursors are signed and list pages are never cached (they are written from the served snapshot): a client cannot
/// mint cache entries (in memory or in Redis) by varying a cursor or any other list parameter, and a cursor from one
/// replica pages on another. A tool's version list, which is cached, serves as the barrier that shows Redis is written.
/// </summary>
public sealed class ListCursorTests(CatalogInfrastructure infra)
{
    private static readonly string[] Seeded = ["systemctl", "dig", "curl", "git", "apt"];

    [Fact]
    public async Task Forged_cursors_are_400_and_add_nothing_to_Redis()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = "cur" + Guid.NewGuid().ToString("N")[..10];
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["Cache:Prefix"] = prefix });
        await host.SeedAsync(ct, Seeded);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(infra.Redis.ConnectionString);
        // A cached entry first: its key appearing shows the count below is the one the API writes to.
        var before = await WaitForKeysAboveAsync(redis, prefix, 0, host, $"{ToolsPath}/systemctl/versions", ct);

        var random = new Random(12);
        for (var i = 0; i < 50; i++)
        {
            var forged = (i % 3) switch
            {
                // The format the API used to accept unsigned, a signed-looking one with a made-up tag, and garbage.
                0 => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"c1:{Seeded[i % Seeded.Length]}{i}")),
                1 => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"c2:tool-{i}")) + "." + Base64Url.EncodeToString(RandomBytes(random, 16)),
                _ => Base64Url.EncodeToString(RandomBytes(random, 40)),
            };
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}?limit=500&view=full&cursor={forged}", ct);
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ct);
            Assert.Equal(["cursor"], ErrorPaths(problem));
        }

        // Another cached entry as a barrier: once its key is there, anything the forged requests wrote would be too.
        var after = await WaitForKeysAboveAsync(redis, prefix, before, host, $"{ToolsPath}/dig/versions", ct);
        Assert.True(after <= before + 2, $"Redis keys went from {before} to {after}: the forged cursors were cached");
    }

    [Fact]
    public async Task A_tampered_cursor_is_400_and_a_cursor_from_one_replica_pages_on_another()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, Seeded);
        using var first = await host.Anonymous.GetAsync($"{ToolsPath}?limit=2", ct);
        var cursor = (await ReadJsonAsync(first, HttpStatusCode.OK, ct))["nextCursor"]!.GetValue<string>();

        // A second instance on the same database and Redis is another replica of the same deployment.
        await using var replica = host.Factory.WithWebHostBuilder(_ => { });
        using var client = replica.CreateClient();
        using var next = await client.GetAsync($"{ToolsPath}?limit=2&cursor={cursor}", ct);
        var page = await ReadJsonAsync(next, HttpStatusCode.OK, ct);
        Assert.Equal(["dig", "git"], page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));

        // Same payload, one character of the signature changed.
        var tampered = cursor[..^1] + (cursor[^1] == 'A' ? 'B' : 'A');
        using var bad = await client.GetAsync($"{ToolsPath}?limit=2&cursor={tampered}", ct);
        Assert.Equal(["cursor"], ErrorPaths(await AssertProblemAsync(bad, HttpStatusCode.BadRequest, ct)));
    }

    [Fact]
    public async Task List_pages_of_every_kind_add_nothing_to_Redis()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = "cur" + Guid.NewGuid().ToString("N")[..10];
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["Cache:Prefix"] = prefix });
        await host.SeedAsync(ct, Seeded);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(infra.Redis.ConnectionString);
        var before = await WaitForKeysAboveAsync(redis, prefix, 0, host, $"{ToolsPath}/systemctl/versions", ct);

        foreach (var bounded in (string[])[ToolsPath, $"{ToolsPath}?limit=500&view=full", $"{ToolsPath}?platform=linux", $"{ToolsPath}?enabled=true&tag=dns"])
        {
            using var response = await host.Anonymous.GetAsync(bounded, ct);
            await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        }
        string? cursor = null;
        for (var limit = 1; limit <= 20; limit++)
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}?limit={limit}&view=full&name=g&tag=no-such-tag-{limit}&q=x{limit}"
                + (cursor is null ? "" : $"&cursor={cursor}"), ct);
            await ReadJsonAsync(response, HttpStatusCode.OK, ct);
            using var paged = await host.Anonymous.GetAsync($"{ToolsPath}?limit=1" + (cursor is null ? "" : $"&cursor={cursor}"), ct);
            cursor = (await ReadJsonAsync(paged, HttpStatusCode.OK, ct))["nextCursor"]?.GetValue<string>();
        }

        var after = await WaitForKeysAboveAsync(redis, prefix, before, host, $"{ToolsPath}/dig/versions", ct);
        Assert.True(after <= before + 2, $"Redis keys went from {before} to {after}: list pages were cached");
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Requests a cached entry and waits until the prefix holds more than <paramref name="count"/> keys and that number
    /// has held for five polls in a row: writes still on their way to Redis (the entry, eviction after the seed) land
    /// before the count is taken, not after it.
    /// </summary>
    private static async Task<long> WaitForKeysAboveAsync(ConnectionMultiplexer redis, string prefix, long count, ApiTestHost host, string cached,
        CancellationToken cancellationToken)
    {
        using var response = await host.Anonymous.GetAsync(cached, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var (last, steady) = (-1L, 0);
        while (true)
        {
            var keys = 0L;
            await foreach (var _ in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: prefix + ":*").WithCancellation(cancellationToken))
            {
                keys++;
            }
            (last, steady) = (keys, keys == last ? steady + 1 : 0);
            if (keys > count && steady >= 5)
            {
                return keys;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the entry {cached} never reached Redis, or the keys never settled ({keys} keys under {prefix})");
            await Task.Delay(20, cancellationToken);
        }
    }
}
