using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Npgsql;
using ToolCatalog.Api.ChangeFeed;
using ToolCatalog.Api.Tests.Caching;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.ChangeFeed;

/// <summary>The change stream under load: a long backlog at once, many streams on one read per change, a cap per replica.</summary>
public sealed class ChangeStreamTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task A_backlog_of_thousands_of_changes_arrives_at_once_not_one_page_per_heartbeat()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        const int backlog = 2_500;
        await InsertChangesAsync(database, backlog, ct);
        // A heartbeat far beyond the deadline: only a stream that drains the whole backlog at once can pass.
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString,
            new Dictionary<string, string?> { ["ChangeFeed:HeartbeatInterval"] = "00:05:00" });

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        await using var stream = await OpenAsync(replicas.Clients[0], lastEventId: 0, deadline.Token);
        var ids = await ReadIdsAsync(stream.Reader, backlog, deadline.Token);

        Assert.Equal(Enumerable.Range(1, backlog).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task Two_hundred_streams_get_every_change_on_a_bounded_number_of_connections_and_one_more_gets_503()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        const int streams = 200;
        const int writes = 10;
        const int poolSize = 10;
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString, new Dictionary<string, string?>
        {
            ["ChangeFeed:MaxSubscribers"] = streams.ToString(CultureInfo.InvariantCulture),
            ["Database:MaxPoolSize"] = poolSize.ToString(CultureInfo.InvariantCulture),
        });
        var api = replicas.Clients[0];
        using var reads = new MetricCollector<long>(replicas.Factories[0].Services.GetRequiredService<IMeterFactory>(), "ToolCatalog.ChangeFeed",
            "toolcatalog.changefeed.reads");
        var opened = new List<OpenStream>();
        try
        {
            for (var i = 0; i < streams; i++)
            {
                opened.Add(await OpenAsync(api, lastEventId: null, ct));
            }
            using (var refused = await api.GetAsync("/api/v1/changes/stream", HttpCompletionOption.ResponseHeadersRead, ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            await using var connections = new ConnectionSampler(infra.Postgres.ServerConnectionString, new NpgsqlConnectionStringBuilder(database).Database!);
            var readers = opened.Select(s => ReadIdsAsync(s.Reader, writes, ct)).ToList();
            for (var i = 0; i < writes; i++)
            {
                using var created = await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool($"fan{i}", "1.0.0")), ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            var received = await Task.WhenAll(readers);

            Assert.All(received, ids => Assert.Equal(Enumerable.Range(1, writes).Select(i => (long)i), ids));
            Assert.InRange(await connections.StopAsync(), 1, poolSize);
            // One read per stream when it opens (its backlog) and one shared read per batch of new changes: a read per
            // stream per change would be streams × writes.
            Assert.InRange(reads.GetMeasurementSnapshot().Sum(m => m.Value), 1, 2 * streams + writes);
        }
        finally
        {
            foreach (var stream in opened)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_cut_and_never_holds_up_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        await using var dataSource = NpgsqlDataSource.Create(database);
        var options = Microsoft.Extensions.Options.Options.Create(new ChangeFeedOptions { SubscriberBuffer = 1 });
        using var hub = new ChangeFeedHub(dataSource, options, services.GetRequiredService<IMeterFactory>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChangeFeedHub>.Instance);
        await hub.StartAsync(ct);
        using var reading = hub.TrySubscribe()!;
        using var stalled = hub.TrySubscribe()!;
        reading.Joined(0);
        stalled.Joined(0);

        var received = new List<long>();
        for (var revision = 1; revision <= 3; revision++)
        {
            await InsertChangesAsync(database, revision, ct);
            await hub.ServedChangedAsync(null, ct);
            var batch = await reading.Batches.ReadAsync(ct); // one batch per change: the reader is woken per change
            received.AddRange(batch.Changes.Select(c => c.Revision).Where(r => r > received.LastOrDefault()));
        }

        Assert.Equal([1L, 2L, 3L], received);
        Assert.True(stalled.Lagged);
        Assert.True(stalled.Batches.TryRead(out _)); // what it had queued before it was cut; after that its stream ends
        Assert.False(await stalled.Batches.WaitToReadAsync(ct), "a subscriber that stopped reading was not cut");
        Assert.False(reading.Lagged);
        await hub.StopAsync(ct);
    }

    /// <summary>Changes 1..<paramref name="count"/> in the change table (those already there are kept).</summary>
    private static async Task InsertChangesAsync(string database, int count, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var cmd = dataSource.CreateCommand($"""
            INSERT INTO catalog_changes (revision, tool_name, version, action)
            SELECT r, 'backlog' || r, '1.0.0', 'created' FROM generate_series(1, {count}) r ON CONFLICT (revision) DO NOTHING;
            UPDATE catalog_state SET revision = {count};
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record OpenStream(HttpResponseMessage Response, StreamReader Reader) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Reader.Dispose();
            Response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<OpenStream> OpenAsync(HttpClient api, long? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/changes/stream");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        }
        var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new OpenStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
    }

    private static async Task<List<long>> ReadIdsAsync(StreamReader reader, int expected, CancellationToken ct)
    {
        var ids = new List<long>(expected);
        while (ids.Count < expected && await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                ids.Add(long.Parse(line[4..], CultureInfo.InvariantCulture));
            }
        }
        return ids;
    }

    /// <summary>Samples the server's connections to one database (from another database, so it never counts itself); returns the peak.</summary>
    private sealed class ConnectionSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<int> _sampling;

        public ConnectionSampler(string serverConnectionString, string database) => _sampling = SampleAsync(serverConnectionString, database, _stop.Token);

        private static async Task<int> SampleAsync(string server, string database, CancellationToken stop)
        {
            await using var connection = new NpgsqlConnection(server + ";Database=postgres");
            await connection.OpenAsync(CancellationToken.None);
            await using var cmd = new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE datname = @db", connection);
            cmd.Parameters.AddWithValue("db", database);
            var peak = 0;
            do
            {
                peak = Math.Max(peak, (int)(await cmd.ExecuteScalarAsync(CancellationToken.None))!);
                await Task.Delay(10, CancellationToken.None);
            }
            while (!stop.IsCancellationRequested);
            return peak;
        }

        public async Task<int> StopAsync()
        {
            await _stop.CancelAsync();
            return await _sampling;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sampling;
            _stop.Dispose();
        }
    }
}
