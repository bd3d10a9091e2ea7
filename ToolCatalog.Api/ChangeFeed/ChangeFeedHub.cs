using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Sync;

namespace ToolCatalog.Api.ChangeFeed;

/// <summary>New changes as read once for every stream: all those after <see cref="After"/>, as Server-Sent Events.</summary>
public sealed record ChangeBatch(long After, IReadOnlyList<(long Revision, byte[] Event)> Changes);

/// <summary>
/// Fans new changes out to every change stream of this replica: when the replica serves new revisions, ONE read of
/// the change table goes to all subscribers, however many there are (each stream reading for itself exhausted the
/// database's connections with a few hundred streams). Each subscriber has a bounded queue; one that falls behind is
/// cut (its client resumes by Last-Event-ID) and never holds up the others.
/// </summary>
public sealed partial class ChangeFeedHub : BackgroundService, IServedContentListener
{
    private readonly NpgsqlDataSource _db;
    private readonly IOptions<ChangeFeedOptions> _options;
    private readonly ILogger<ChangeFeedHub> _logger;
    private readonly Counter<long> _reads;
    private readonly ConcurrentDictionary<ChangeSubscription, byte> _subscribers = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _admission = new();
    private long? _cursor; // the last revision broadcast; null while nobody listens (guarded by the loop, set by Joined)

    public ChangeFeedHub(NpgsqlDataSource db, IOptions<ChangeFeedOptions> options, IMeterFactory meters, ILogger<ChangeFeedHub> logger)
    {
        (_db, _options, _logger) = (db, options, logger);
        var meter = meters.Create("ToolCatalog.ChangeFeed");
        _reads = meter.CreateCounter<long>("toolcatalog.changefeed.reads",
            description: "Reads of the change table for streams: shared (one per batch of new changes) or stream (a backlog or a gap)");
        meter.CreateObservableGauge("toolcatalog.changefeed.streams", () => _subscribers.Count, description: "Open change streams");
    }

    /// <summary>A stream read the change table itself (its backlog, or a gap when it joined).</summary>
    public void StreamRead() => _reads.Add(1, new KeyValuePair<string, object?>("reader", "stream"));

    /// <summary>A new stream's queue, or null when this replica already serves <see cref="ChangeFeedOptions.MaxSubscribers"/> streams.</summary>
    public ChangeSubscription? TrySubscribe()
    {
        lock (_admission)
        {
            if (_subscribers.Count >= _options.Value.MaxSubscribers)
            {
                return null;
            }
            var subscription = new ChangeSubscription(_options.Value.SubscriberBuffer, this);
            _subscribers[subscription] = 0;
            return subscription;
        }
    }

    /// <summary>
    /// A subscriber read the table itself up to <paramref name="revision"/>: from now on the broadcasts cover it. A
    /// broadcast that starts after what it has seen is a gap it fills from the table itself (see <see cref="ChangeBatch.After"/>).
    /// </summary>
    internal void Joined(long revision)
    {
        lock (_admission)
        {
            if (_cursor is not null)
            {
                return; // the broadcasts since the subscriber registered cover everything after its backlog
            }
            _cursor = revision;
        }
        // Changes applied while nobody listened woke no read: look now.
        _wake.Writer.TryWrite(true);
    }

    internal void Leave(ChangeSubscription subscription) => _subscribers.TryRemove(subscription, out _);

    /// <summary>This replica serves new content: there may be new changes to read.</summary>
    public Task ServedChangedAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
    {
        _wake.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _wake.Reader.WaitToReadAsync(stoppingToken))
        {
            _wake.Reader.TryRead(out _);
            try
            {
                await BroadcastNewAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // The next change (or a subscriber joining) tries again; subscribers keep their place.
                LogReadFailed(_logger, ex.Message);
            }
        }
    }

    private async Task BroadcastNewAsync(CancellationToken cancellationToken)
    {
        long after;
        lock (_admission)
        {
            if (_subscribers.IsEmpty)
            {
                _cursor = null; // nobody to read for; the next subscriber sets where to start
            }
            if (_cursor is not { } cursor)
            {
                return;
            }
            after = cursor;
        }
        while (true)
        {
            var page = await ChangeTable.ReadAsync(_db, after, ChangeTable.PageSize, cancellationToken);
            _reads.Add(1, new KeyValuePair<string, object?>("reader", "shared"));
            if (page.Count == 0)
            {
                return;
            }
            var batch = new ChangeBatch(after, page.Select(c => (c.Revision, c.ToServerSentEvent())).ToArray());
            foreach (var subscriber in _subscribers.Keys)
            {
                subscriber.Offer(batch);
            }
            after = page[^1].Revision;
            lock (_admission)
            {
                _cursor = after;
            }
            if (page.Count < ChangeTable.PageSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed could not read new changes, will retry: {Error}")]
    private static partial void LogReadFailed(ILogger logger, string error);
}

/// <summary>One stream's queue of batches. Disposing it leaves the hub.</summary>
public sealed class ChangeSubscription(int capacity, ChangeFeedHub hub) : IDisposable
{
    private readonly Channel<ChangeBatch> _queue = Channel.CreateBounded<ChangeBatch>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<ChangeBatch> Batches => _queue.Reader;

    /// <summary>True once the queue overflowed and the stream must end (its client resumes by Last-Event-ID).</summary>
    public bool Lagged { get; private set; }

    public void Joined(long revision) => hub.Joined(revision);

    internal void Offer(ChangeBatch batch)
    {
        if (!_queue.Writer.TryWrite(batch) && !Lagged)
        {
            Lagged = true;
            _queue.Writer.TryComplete();
            hub.Leave(this);
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        hub.Leave(this);
    }
}
