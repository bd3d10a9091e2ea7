using System.Threading.Channels;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// Writes the history rows of the reloads that follow committed writes, after the writer got its answer: the row is
/// bookkeeping, and its INSERT was a whole database round trip on every write's path. Rows are written in order, one
/// queue per replica; a row that cannot be written (database away, queue full, shutdown) is still said in the log and
/// the <c>toolcatalog.reload.history_failures</c> metric. Reloads asked for over HTTP keep writing theirs before they
/// answer, since their answer reports it (<c>historyError</c>).
/// </summary>
public sealed class ReloadHistoryWriter(ReloadHistory history) : BackgroundService
{
    /// <summary>Rows waiting beyond this many are not queued (and are reported): memory stays bounded while the database is away.</summary>
    public const int Capacity = 10_000;

    private readonly Channel<ReloadRecord> _pending = Channel.CreateBounded<ReloadRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Queues the record's row; returns at once.</summary>
    public void Enqueue(ReloadRecord record)
    {
        if (!_pending.Writer.TryWrite(record))
        {
            history.ReportUnrecorded(record, new InvalidOperationException(
                $"the reload history queue is full ({Capacity} rows) or closed"));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stopped by the token: at shutdown the queue is closed and what it still holds is written (the host bounds
        // how long StopAsync may take).
        await foreach (var record in _pending.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await history.TryInsertAsync(record, CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // The data source is going away with the host: the row is lost, and said so.
                history.ReportUnrecorded(record, ex);
            }
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }
}
