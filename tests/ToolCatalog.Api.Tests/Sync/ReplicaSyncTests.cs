using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Sync;
using ToolCatalog.Api.Tests.Caching;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Sync;

/// <summary>
/// The replica sync on its own, over the in-memory transport and a real PostgreSQL (the change table it catches up
/// from): order, holes, late and doubled messages, force, polling while the transport is down.
/// </summary>
public sealed class ReplicaSyncTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Announcements_out_of_order_are_all_applied_and_a_late_or_doubled_one_never_moves_a_tool_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await Node.StartAsync(await infra.NewCatalogDatabaseAsync(ct), new InMemoryInvalidationTransport.Network(), ct);

        node.Transport.Deliver(Announce(2, State("ordered", "1.2.0", 2)));
        node.Transport.Deliver(Announce(1, State("ordered", "1.1.0", 1))); // sent first, arrives second
        Assert.True(await node.EventuallyAsync(() => node.Count("outcome", "applied") == 2, ct));
        Assert.Equal("1.2.0", node.Store.Current.Find("ordered")?.Version);
        Assert.Equal(2, node.Count("source", "message"));

        node.Transport.Deliver(Announce(2, State("ordered", "1.0.0", 2))); // the same revision again
        Assert.True(await node.EventuallyAsync(() => node.Count("outcome", "old") == 1, ct));
        Assert.Equal("1.2.0", node.Store.Current.Find("ordered")?.Version);
        Assert.DoesNotContain(node.CatchUps(), reason => reason == "gap");
    }

    [Fact]
    public async Task A_lost_message_leaves_a_hole_that_is_filled_from_the_change_table()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var node = await Node.StartAsync(database, new InMemoryInvalidationTransport.Network(), ct);
        // Revision 2 deletes the tool; its message is lost. Revision 3 (another tool) arrives.
        await node.SqlAsync("""
            INSERT INTO catalog_changes (revision, tool_name, version, action) VALUES (1, 'holey', '1.0.0', 'created'),
                (2, 'holey', NULL, 'deleted'), (3, 'later', '1.0.0', 'created');
            UPDATE catalog_state SET revision = 3;
            """, ct);

        node.Transport.Deliver(Announce(1, State("holey", "1.0.0", 1)));
        node.Transport.Deliver(Announce(3, State("later", "1.0.0", 3)));

        Assert.True(await node.EventuallyAsync(() => node.CatchUps().Contains("gap"), ct), "the hole at revision 2 was never caught up");
        Assert.Null(node.Store.Current.Find("holey"));
        node.Transport.Deliver(Announce(2, State("holey", "1.0.0", 1))); // the lost message turning up after all
        Assert.True(await node.EventuallyAsync(() => node.Count("outcome", "old") == 1, ct));
        Assert.Null(node.Store.Current.Find("holey"));
    }

    [Fact]
    public async Task Force_makes_a_replica_re_read_a_tool_whose_revision_it_has_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await Node.StartAsync(await infra.NewCatalogDatabaseAsync(ct), new InMemoryInvalidationTransport.Network(), ct);
        node.Transport.Deliver(Announce(1, State("forced", "1.0.0", 1)));
        Assert.True(await node.EventuallyAsync(() => node.Store.Current.Find("forced") is not null, ct));

        // The database does not have the tool (changed behind the API's back): only a forced re-read notices.
        node.Transport.Deliver(new InvalidationMessage("elsewhere", 1, 1, ["forced"], false, false, DateTimeOffset.UtcNow).ToBytes());
        Assert.True(await node.EventuallyAsync(() => node.Count("outcome", "old") == 1, ct));
        Assert.NotNull(node.Store.Current.Find("forced"));

        node.Transport.Deliver(new InvalidationMessage("elsewhere", 1, 1, ["forced"], false, true, DateTimeOffset.UtcNow).ToBytes());
        Assert.True(await node.EventuallyAsync(() => node.Store.Current.Find("forced") is null, ct), "a forced message was not re-read");
        Assert.True(await node.EventuallyAsync(() => node.Count("source", "database") == 1, ct));
    }

    [Fact]
    public async Task While_the_transport_is_down_the_change_table_is_polled_and_a_reconnect_flushes_and_catches_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await Node.StartAsync(await infra.NewCatalogDatabaseAsync(ct), new InMemoryInvalidationTransport.Network(), ct);
        node.Transport.Deliver(Announce(1, State("polled", "1.0.0", 1)));
        Assert.True(await node.EventuallyAsync(() => node.Store.Current.Find("polled") is not null, ct));

        node.Transport.Disconnect();
        await node.SqlAsync("""
            INSERT INTO catalog_changes (revision, tool_name, version, action) VALUES (1, 'polled', '1.0.0', 'created'), (2, 'polled', NULL, 'deleted');
            UPDATE catalog_state SET revision = 2;
            """, ct);
        node.Transport.Deliver(Announce(2, State("polled", "1.0.0", 1))); // lost: the transport is down

        Assert.True(await node.EventuallyAsync(() => node.Store.Current.Find("polled") is null, ct), "the deletion was not found by polling");
        Assert.Contains("poll", node.CatchUps());
        Assert.DoesNotContain(node.Listener.Changes, tools => tools is null);

        node.Transport.Reconnect();
        Assert.True(await node.EventuallyAsync(() => node.CatchUps().Contains("reconnect"), ct));
        Assert.Contains(node.Listener.Changes, tools => tools is null); // nobody knows what was missed: everything derived goes
    }

    [Fact]
    public async Task What_one_replica_publishes_another_applies_from_the_message_and_the_publisher_ignores_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        var network = new InMemoryInvalidationTransport.Network();
        await using var a = await Node.StartAsync(database, network, ct);
        await using var b = await Node.StartAsync(database, network, ct);

        await a.Store.ApplyStatesAsync([State("shared", "1.0.0", 1)], 1, ct);
        await a.Sync.PublishAsync(["shared"], 1, 1, fullReload: false);

        Assert.True(await b.EventuallyAsync(() => b.Store.Current.Find("shared")?.Version == "1.0.0", ct));
        // The tool is served before the application is counted: wait for the count rather than race it.
        Assert.True(await b.EventuallyAsync(() => b.Count("source", "message") == 1, ct));
        Assert.Equal(0, b.Count("source", "database"));
        Assert.Contains(b.Listener.Changes, tools => tools is not null && tools.Contains("shared"));
        Assert.True(await a.EventuallyAsync(() => a.Count("outcome", "own") == 1, ct));
    }

    [Fact]
    public async Task An_announcement_that_could_not_be_sent_is_sent_once_the_transport_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        var network = new InMemoryInvalidationTransport.Network();
        await using var a = await Node.StartAsync(database, network, ct);
        await using var b = await Node.StartAsync(database, network, ct);

        // A commits while its own connection is down; B is connected all along, so nothing makes it poll.
        a.Transport.Disconnect();
        await a.Store.ApplyStatesAsync([State("unsent", "1.0.0", 1)], 1, ct);
        await a.Sync.PublishAsync(["unsent"], 1, 1, fullReload: false);
        Assert.Null(b.Store.Current.Find("unsent"));

        a.Transport.Reconnect();
        Assert.True(await b.EventuallyAsync(() => b.Store.Current.Find("unsent")?.Version == "1.0.0", ct), "the announcement was never sent again");
        Assert.True(await b.EventuallyAsync(() => b.Count("source", "message") == 1, ct));
    }

    private static ToolState State(string name, string version, long changeRevision) =>
        ToolState.Of(new ServedTool
        {
            Document = ToolParser.ParseFile(Replicas.Tool(name, version), name + ".yaml").Tool!,
            Status = "active",
            Enabled = true,
            UpdatedAt = DateTime.UtcNow,
            ChangeRevision = changeRevision,
        });

    private static byte[] Announce(long revision, ToolState state) =>
        new InvalidationMessage("elsewhere", revision, revision, [state.Name], false, false, DateTimeOffset.UtcNow, [state]).ToBytes();

    private sealed class RecordingListener : IServedContentListener
    {
        public ConcurrentQueue<IReadOnlyCollection<string>?> Changes { get; } = new();

        public Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
        {
            Changes.Enqueue(tools);
            return Task.CompletedTask;
        }
    }

    /// <summary>One replica's store and sync on the test's database, with its own meters.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly NpgsqlDataSource _dataSource;
        private readonly MetricCollector<long> _messages;
        private readonly MetricCollector<long> _catchUps;

        public SnapshotStore Store { get; }
        public ReplicaSync Sync { get; }
        public InMemoryInvalidationTransport Transport { get; }
        public RecordingListener Listener { get; } = new();

        private Node(string database, InMemoryInvalidationTransport.Network network)
        {
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            _dataSource = NpgsqlDataSource.Create(database);
            var meters = _services.GetRequiredService<IMeterFactory>();
            _messages = new MetricCollector<long>(meters, SyncMetrics.MeterName, "toolcatalog.invalidation.messages");
            _catchUps = new MetricCollector<long>(meters, SyncMetrics.MeterName, "toolcatalog.invalidation.catchups");
            Store = new SnapshotStore(_dataSource, Options.Create(new CatalogOptions()), TimeProvider.System, NullLogger<SnapshotStore>.Instance);
            Transport = new InMemoryInvalidationTransport(network);
            Sync = new ReplicaSync(Transport, Store, [Listener], _dataSource, new SyncMetrics(meters), TimeProvider.System, NullLogger<ReplicaSync>.Instance);
        }

        public static async Task<Node> StartAsync(string database, InMemoryInvalidationTransport.Network network, CancellationToken ct)
        {
            var node = new Node(database, network);
            await node.Sync.StartAsync(ct);
            await node.Transport.Subscribed.WaitAsync(ct);
            return node;
        }

        public int Count(string tag, string value) =>
            (int)_messages.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(tag, out var v) && Equals(v, value)).Sum(m => m.Value);

        public IReadOnlyList<string> CatchUps() => _catchUps.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).ToList();

        public Task<bool> EventuallyAsync(Func<bool> condition, CancellationToken ct) =>
            Replicas.EventuallyAsync(() => Task.FromResult(condition()), Deadline, ct);

        public async Task SqlAsync(string sql, CancellationToken ct)
        {
            await using var cmd = _dataSource.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await Sync.StopAsync(CancellationToken.None);
            Sync.Dispose();
            _messages.Dispose();
            _catchUps.Dispose();
            await _dataSource.DisposeAsync();
            await _services.DisposeAsync();
        }
    }
}
