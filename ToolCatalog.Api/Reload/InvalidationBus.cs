using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Profiles;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// Carries "these tools changed at these revisions" between replicas over Redis pub/sub (at-most-once), and makes up
/// for what pub/sub cannot promise: a lost message (a hole in the applied revisions) or a disconnect triggers a
/// catch-up from the change table in PostgreSQL, and while Redis is down the database is polled instead.
/// </summary>
public sealed partial class InvalidationBus(
    IConnectionMultiplexer redis,
    ProfileLoader loader,
    CatalogCache cache,
    BusConnectivity connectivity,
    NpgsqlDataSource dataSource,
    RevisionSignal signal,
    IOptions<CacheOptions> options,
    ILogger<InvalidationBus> logger) : BackgroundService
{
    /// <summary>Who this replica is on the bus; per instance, not per process (tests host several in one).</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Invalidation");
    private static readonly Meter Meter = new("ToolCatalog.Invalidation");
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("toolcatalog.invalidation.messages", description: "Invalidation messages by direction and outcome");
    private static readonly Histogram<double> Lag = Meter.CreateHistogram("toolcatalog.invalidation.lag", "ms", "Publish-to-apply time of invalidation messages",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000] });
    private static readonly Counter<long> CatchUps = Meter.CreateCounter<long>("toolcatalog.invalidation.catchups", description: "Catch-ups from the database, by reason");

    private static readonly TimeSpan GapTolerance = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AppliedRevisions _applied = new();
    private long _flushes;
    private long _appliedFromMessages;

    private RedisChannel BusChannel => RedisChannel.Literal($"{options.Value.Prefix}:{InvalidationMessage.WireVersion}:invalidate");

    /// <summary>Flushes after a reconnect, for tests and metrics.</summary>
    public long FlushCount => Interlocked.Read(ref _flushes);

    public long AppliedRevision => _applied.Watermark;

    /// <summary>Messages applied from the states they carried (no database read), for tests and metrics.</summary>
    public long AppliedFromMessages => Interlocked.Read(ref _appliedFromMessages);

    private abstract record Work;
    private sealed record Received(InvalidationMessage Message) : Work;
    private sealed record CatchUp(string Reason, bool Flush) : Work;

    /// <summary>Announces a change this replica committed and already applied locally.</summary>
    public async Task PublishAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, bool fullReload, bool force = false)
    {
        if (!force)
        {
            _applied.Add(fromRevision, revision);
        }
        var message = new InvalidationMessage(InstanceId, fromRevision, revision, tools.ToArray(), fullReload, force, DateTimeOffset.UtcNow,
            fullReload ? null : Announce(tools));
        try
        {
            await redis.GetSubscriber().PublishAsync(BusChannel, message.ToBytes());
            Messages.Add(1, new KeyValuePair<string, object?>("direction", "sent"), new KeyValuePair<string, object?>("outcome", "published"));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Other replicas will find the change by polling (they notice Redis is down too) or on their next catch-up.
            Messages.Add(1, new KeyValuePair<string, object?>("direction", "sent"), new KeyValuePair<string, object?>("outcome", "failed"));
            LogPublishFailed(logger, revision, ex.Message);
        }
    }

    /// <summary>What this replica now serves for the tools, to carry in the message; null when one is gone or they are too big.</summary>
    private List<ToolState>? Announce(IReadOnlyCollection<string> tools)
    {
        var snapshot = loader.Current;
        var states = new List<ToolState>(tools.Count);
        var bytes = 0;
        foreach (var name in tools)
        {
            if (snapshot.Find(name) is not { } served || (bytes += served.Document.CanonicalJson.Length) > InvalidationMessage.MaxCarriedBytes)
            {
                return null;
            }
            states.Add(new ToolState(served.Name, served.ChangeRevision, served.Status, served.Enabled, served.UpdatedAt, served.SourceFingerprint,
                served.Document.CanonicalJson));
        }
        return states;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _applied.Reset(loader.Current.Revision);
        connectivity.Restored += () => _work.Writer.TryWrite(new CatchUp("reconnect", Flush: true));
        await SubscribeAsync(stoppingToken);

        using var poll = new PeriodicTimer(PollInterval);
        var pollTick = poll.WaitForNextTickAsync(stoppingToken).AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _work.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var done = await Task.WhenAny(next, pollTick);
            try
            {
                if (done == pollTick)
                {
                    pollTick = poll.WaitForNextTickAsync(stoppingToken).AsTask();
                    if (!connectivity.IsConnected || _applied.GapAge > GapTolerance || _applied.Watermark < loader.Current.Revision)
                    {
                        await CatchUpAsync(connectivity.IsConnected ? "gap" : "poll", flush: false, stoppingToken);
                    }
                    continue;
                }
                // Everything queued is applied together: under a burst of writes one database read serves many
                // messages, so the lag does not grow with the queue.
                var received = new List<InvalidationMessage>();
                CatchUp? catchUp = null;
                while (_work.Reader.TryRead(out var work))
                {
                    switch (work)
                    {
                        case Received r:
                            received.Add(r.Message);
                            break;
                        case CatchUp c:
                            catchUp = catchUp is null ? c : catchUp with { Flush = catchUp.Flush || c.Flush };
                            break;
                    }
                }
                if (received.Count > 0)
                {
                    await ApplyAsync(received, stoppingToken);
                }
                if (catchUp is not null)
                {
                    await CatchUpAsync(catchUp.Reason, catchUp.Flush, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or RedisException)
            {
                // The database or Redis is away; the poll tick retries, readers keep the last good snapshot.
                LogApplyFailed(logger, ex.Message);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(BusChannel, (_, value) =>
                {
                    if (InvalidationMessage.Parse((byte[])value!) is { } message)
                    {
                        _work.Writer.TryWrite(new Received(message));
                    }
                    else
                    {
                        Messages.Add(1, new KeyValuePair<string, object?>("direction", "received"), new KeyValuePair<string, object?>("outcome", "invalid"));
                    }
                });
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not connected yet: the database poll covers us meanwhile; try again shortly.
                LogSubscribeFailed(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task ApplyAsync(IReadOnlyList<InvalidationMessage> messages, CancellationToken cancellationToken)
    {
        var pending = new List<InvalidationMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Source == InstanceId)
            {
                Count("received", "own");
            }
            else if (!message.FullReload && !message.Force && _applied.Covers(message.FromRevision, message.Revision))
            {
                Count("received", "old");
            }
            else
            {
                pending.Add(message);
            }
        }
        if (pending.Count == 0)
        {
            return;
        }
        var fullReload = pending.Exists(m => m.FullReload);
        var tools = fullReload ? null : pending.SelectMany(m => m.Tools).Distinct(StringComparer.Ordinal).ToList();
        using var activity = ActivitySource.StartActivity("invalidation.apply");
        activity?.SetTag("catalog.revision", pending.Max(m => m.Revision));
        activity?.SetTag("catalog.messages", pending.Count);
        activity?.SetTag("catalog.tools", tools?.Count);
        // Carried states need no database read on the path of a change to this replica.
        var announced = !fullReload && pending.TrueForAll(m => m.CarriesAll);
        var outcome = announced
            ? await ServeToolsAsync(tools!, ct => loader.ApplyStatesAsync(pending.SelectMany(m => m.States!).ToList(), pending.Max(m => m.Revision), ct),
                cancellationToken)
            : await ServeLatestAsync(tools, cancellationToken);
        if (announced)
        {
            Interlocked.Add(ref _appliedFromMessages, pending.Count);
        }
        if (fullReload)
        {
            _applied.Reset(outcome.Revision);
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var message in pending)
        {
            if (!message.FullReload && !message.Force)
            {
                _applied.Add(message.FromRevision, message.Revision);
            }
            Messages.Add(1, new KeyValuePair<string, object?>("direction", "received"), new KeyValuePair<string, object?>("outcome", "applied"),
                new KeyValuePair<string, object?>("source", announced ? "message" : "database"));
            Lag.Record((now - message.Timestamp).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Makes this replica serve what PostgreSQL holds now for the named tools (or, with null, for the whole catalog):
    /// rebuild that part of the snapshot, drop the cache entries it invalidates, wake the change-feed streams.
    /// </summary>
    public async Task<ReloadOutcome> ServeLatestAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
    {
        if (tools is not null)
        {
            return await ServeToolsAsync(tools, ct => loader.ApplyChangesAsync(tools, ct), cancellationToken);
        }
        var outcome = await loader.ReloadAsync(cancellationToken);
        // Entries are keyed by the revision of their content: when the rebuilt snapshot serves exactly what the old
        // one did, every cached response is still right, and a scheduled reload costs no burst of misses.
        if (outcome.Added + outcome.Updated + outcome.Removed > 0)
        {
            await cache.FlushAsync(cancellationToken);
        }
        signal.Notify();
        return outcome;
    }

    /// <summary>Swaps in the named tools (<paramref name="apply"/>: read from PostgreSQL, or as announced), drops their cache entries, wakes the change feed.</summary>
    private async Task<ReloadOutcome> ServeToolsAsync(IReadOnlyCollection<string> tools, Func<CancellationToken, Task<ReloadOutcome>> apply,
        CancellationToken cancellationToken)
    {
        var outcome = await apply(cancellationToken);
        await cache.RemoveToolsAsync(tools, cancellationToken);
        signal.Notify();
        return outcome;
    }

    /// <summary>Applies every change after the watermark, read from the change table (the source of truth).</summary>
    private async Task CatchUpAsync(string reason, bool flush, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("invalidation.catchup");
        activity?.SetTag("reason", reason);
        if (flush)
        {
            await cache.FlushAsync(cancellationToken);
            Interlocked.Increment(ref _flushes);
        }
        long latest;
        string[] tools;
        // The reader (and with it the pooled connection) is released before applying, which opens connections of its own.
        // Disposed exactly once: disposing a data-source reader again after its connection went back to the pool can
        // hand that connection to two users at once.
        await using (var cmd = dataSource.CreateCommand(
            "SELECT coalesce(max(revision), @after), coalesce(array_agg(DISTINCT tool_name), '{}') FROM catalog_changes WHERE revision > @after"))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long>("after", _applied.Watermark));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            latest = reader.GetInt64(0);
            tools = reader.GetFieldValue<string[]>(1);
        }
        if (tools.Length > 0)
        {
            await ServeLatestAsync(tools, cancellationToken);
        }
        _applied.Reset(latest);
        if (tools.Length > 0 || flush)
        {
            CatchUps.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    private static void Count(string direction, string outcome) =>
        Messages.Add(1, new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish invalidation for revision {Revision}: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, long revision, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalidation not applied yet, will retry: {Error}")]
    private static partial void LogApplyFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the invalidation channel yet: {Error}")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);
}
