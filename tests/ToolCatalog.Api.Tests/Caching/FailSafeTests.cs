using System.Net;
using System.Text.Json;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using ToolCatalog.Api.Sync;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>Redis or PostgreSQL going away: reads keep working, writes fail cleanly, and everything heals.</summary>
public sealed class FailSafeTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Killing_redis_under_a_read_loop_fails_no_read_and_the_bus_recovers_with_a_flush()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct); // this test's own Redis: it is about to be killed
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("steady", "1.0.0")), ct);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "steady", ct) == "1.0.0", Deadline, ct));
        using var catchUps = new MetricCollector<long>(replicas.Factories[1].Services.GetRequiredService<IMeterFactory>(), SyncMetrics.MeterName,
            "toolcatalog.invalidation.catchups");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failures = 0;
        var reads = 0;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await b.GetAsync("/api/v1/tools/steady", CancellationToken.None);
                Interlocked.Increment(ref reads);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, ct);

        await redis.StopAsync(ct);
        var readsAtKill = Volatile.Read(ref reads);
        Assert.True(await Replicas.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref reads) > readsAtKill + 200), Deadline, ct),
            "reads stalled while Redis was down");
        // Writes still commit without Redis, and the other replica finds them by polling the change table.
        using (var put = await a.PutAsync("/api/v1/tools/steady", Replicas.Yaml(Replicas.Tool("steady", "1.5.0")), ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "steady", ct) == "1.5.0", Deadline, ct),
            "a write made while Redis was down never reached the other replica");
        await redis.StartAgainAsync(ct);
        Assert.True(await Replicas.EventuallyAsync(() => Task.FromResult(catchUps.GetMeasurementSnapshot()
                .Any(m => m.Tags.TryGetValue("reason", out var reason) && Equals(reason, "reconnect"))), Deadline, ct),
            "no flush after the connection came back");
        await stop.CancelAsync();
        await loop;

        Assert.Equal(0, failures);
        Assert.True(reads > 200);
        await a.PutAsync("/api/v1/tools/steady", Replicas.Yaml(Replicas.Tool("steady", "2.0.0")), ct);
        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "steady", ct) == "2.0.0", Deadline, ct),
            "invalidation did not work after Redis came back");
    }

    [Fact]
    public async Task With_postgres_stopped_cached_reads_are_served_stale_writes_and_counts_get_503_and_both_work_again_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(ct); // this test's own server: it is about to be stopped
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("outage", null, ct));
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("kept", "1.0.0")), ct)).StatusCode);
        Assert.Equal("1.0.0", await Replicas.VersionAsync(api, "kept", ct));

        await postgres.StopAsync(ct);

        Assert.True(await Replicas.EventuallyAsync(async () =>
        {
            using var response = await api.GetAsync("/api/v1/tools/kept", ct);
            return response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("X-Catalog-Stale", out var stale) && stale.Single() == "true";
        }, Deadline, ct), "cached read not served with the stale marker");
        using (var write = await api.PutAsync("/api/v1/tools/kept", Replicas.Yaml(Replicas.Tool("kept", "1.1.0")), ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        }
        using (var uncached = await api.GetAsync("/api/v1/tools/kept/versions", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        }
        using (var stats = await api.GetAsync("/api/v1/stats", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stats.StatusCode);
        }
        using (var health = await api.GetAsync("/health", ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
            Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        }

        await postgres.StartAgainAsync(ct);

        // Nothing was written since the failed count: a failure kept for the revision would answer 503 until a write.
        Assert.True(await Replicas.EventuallyAsync(async () =>
        {
            using var response = await api.GetAsync("/api/v1/stats", ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, Deadline, ct), "/stats did not count again after PostgreSQL restarted");

        Assert.True(await Replicas.EventuallyAsync(async () =>
        {
            using var response = await api.PutAsync("/api/v1/tools/kept", Replicas.Yaml(Replicas.Tool("kept", "1.1.0")), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, Deadline, ct), "writes did not come back after PostgreSQL restarted");
        Assert.Equal("1.1.0", await Replicas.VersionAsync(api, "kept", ct));
    }
}
