using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Sync;

/// <summary>
/// Keeps this replica serving what every replica committed. Announcements arrive over an
/// <see cref="IInvalidationTransport"/> that may lose, reorder or double them; this applies them in order of revision,
/// tracks which revisions are applied (a watermark and the ranges above it), catches up from the change table in
/// PostgreSQL when a hole stays open or the transport reconnects, and polls that table while the transport is down.
/// What follows a change (cache eviction, waking the change feed) is left to the <see cref="IServedContentListener"/>s.
/// </summary>
public sealed partial class ReplicaSync(
    IInvalidationTransport transport,
    SnapshotStore snapshots,
    IEnumerable<IServedContentListener> listeners,
    NpgsqlDataSource dataSource,
    SyncMetrics metrics,
    TimeProvider time,
    ILogger<ReplicaSync> logger) : BackgroundService
{
    /// <summary>Who this replica is on the transport; per instance, not per process (tests host several in one).</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Invalidation");

    private static readonly TimeSpan GapTolerance = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(1);

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AppliedRevisions _applied = new(time);
    private readonly IServedContentListener[] _listeners = listeners.ToArray();

    // Announcements whose send failed, to send again on the next poll tick with the transport up (bounded).
    private const int MaxUnsent = 1000;
    private readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> _unsent = new();

    private abstract record Work;
    private sealed record Received(InvalidationMessage Message) : Work;
    private sealed record CatchUp(string Reason, bool Flush) : Work;

    /// <summary>
    /// Announces a change this replica committed. The message carries the tools' states: <paramref name="served"/> when
    /// the writer read them in its transaction (the announcement need not wait for this replica to swap them in),
    /// otherwise what this replica serves now.
    /// </summary>
    public async Task PublishAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, bool fullReload, bool force = false,
        IReadOnlyList<ServedTool>? served = null)
    {
        if (!force)
        {
            _applied.Add(fromRevision, revision);
        }
        var read = served?.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Func<string, ServedTool?> find = read is null ? snapshots.Current.Find : name => read.GetValueOrDefault(name);
        var message = new InvalidationMessage(InstanceId, fromRevision, revision, tools.ToArray(), fullReload, force, time.GetUtcNow(),
            fullReload ? null : Announce(tools, find));
        // Not cancellable: the change is committed. When the send fails it is kept and sent again once the transport
        // is back: the other replicas may be connected already (they reconnect on their own), and would not poll.
        var bytes = message.ToBytes();
        var sent = await transport.PublishAsync(bytes, CancellationToken.None);
        if (!sent)
        {
            _unsent.Enqueue(bytes);
            while (_unsent.Count > MaxUnsent && _unsent.TryDequeue(out _))
            {
                // The oldest go first: a replica that missed that many catches up when it reconnects.
            }
        }
        metrics.Message("sent", sent ? "published" : "failed");
    }

    /// <summary>Sends again, oldest first, the announcements that could not be sent; stops at the first that still fails.</summary>
    private async Task ResendUnsentAsync(CancellationToken cancellationToken)
    {
        while (transport.IsConnected && _unsent.TryPeek(out var message))
        {
            if (!await transport.PublishAsync(message, cancellationToken))
            {
                return;
            }
            _unsent.TryDequeue(out _);
            metrics.Message("sent", "resent");
        }
    }

    /// <summary>The tools' states to carry in the message; null when one is gone or they are too big.</summary>
    private static List<ToolState>? Announce(IReadOnlyCollection<string> tools, Func<string, ServedTool?> find)
    {
        var states = new List<ToolState>(tools.Count);
        var bytes = 0;
        foreach (var name in tools)
        {
            if (find(name) is not { } served || (bytes += served.Document.CanonicalJson.Length) > InvalidationMessage.MaxCarriedBytes)
            {
                return null;
            }
            states.Add(ToolState.Of(served));
        }
        return states;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _applied.Reset(snapshots.Current.Revision);
        transport.Reconnected += () => _work.Writer.TryWrite(new CatchUp("reconnect", Flush: true));
        await SubscribeAsync(stoppingToken);

        using var poll = new PeriodicTimer(PollInterval, time);
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
                    await PollAsync(stoppingToken);
                }
                else
                {
                    await DrainAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database is away (or refused): the poll tick retries, readers keep the last good snapshot.
                LogApplyFailed(logger, ex.Message);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        // Until subscribed, the database poll covers this replica (the transport reports itself disconnected).
        while (!await transport.SubscribeAsync(OnReceived, stoppingToken))
        {
            await Task.Delay(SubscribeRetry, time, stoppingToken);
        }
    }

    private void OnReceived(byte[] bytes)
    {
        if (InvalidationMessage.Parse(bytes) is { } message)
        {
            _work.Writer.TryWrite(new Received(message));
        }
        else
        {
            metrics.Message("received", "invalid");
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        await ResendUnsentAsync(cancellationToken);
        if (!transport.IsConnected || _applied.GapAge > GapTolerance || _applied.Watermark < snapshots.Current.Revision)
        {
            await CatchUpAsync(transport.IsConnected ? "gap" : "poll", flush: false, cancellationToken);
        }
    }

    /// <summary>
    /// Applies everything queued together: under a burst of writes one database read serves many messages, so the lag
    /// does not grow with the queue.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
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
            await ApplyAsync(received, cancellationToken);
        }
        if (catchUp is not null)
        {
            await CatchUpAsync(catchUp.Reason, catchUp.Flush, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalidation not applied yet, will retry: {Error}")]
    private static partial void LogApplyFailed(ILogger logger, string error);
}
