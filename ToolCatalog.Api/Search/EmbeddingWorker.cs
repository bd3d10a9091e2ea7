using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ToolCatalog.Api.Search;

/// <summary>
/// Keeps semantic search in step with the catalog, off every request path. On every replica it loads the stored
/// vectors at start and then the new ones every poll interval. One replica per deployment, the holder of a PostgreSQL
/// advisory lock, also embeds the texts nobody has embedded yet, in batches, and stores them; the others pick them up
/// on their next poll. Writes and imports never wait for any of this.
/// </summary>
public sealed partial class EmbeddingWorker(SearchCorpusCache corpus, EmbeddingStore store, SentenceModel model, NpgsqlDataSource dataSource,
    SearchMetrics metrics, IOptions<EmbeddingOptions> options, TimeProvider time, ILogger<EmbeddingWorker> logger) : BackgroundService
{
    // Arbitrary but fixed: every ToolCatalog process must use the same key (the migration lock is "toolcat").
    private const long LockKey = 0x746F6F6C656D62; // "toolemb"

    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Search");

    private NpgsqlConnection? _lockConnection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        _ = model.WarmAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CycleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogCycleFailed(logger, ex.Message);
                await ReleaseLockAsync();
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task CycleAsync(CancellationToken cancellationToken)
    {
        await store.RefreshAsync(cancellationToken);
        if (!model.IsReady || store.Missing(corpus.Current).Count == 0 || !await HoldsLockAsync(cancellationToken))
        {
            return;
        }
        // The previous holder may have stored some of them just before this replica took over.
        await store.RefreshAsync(cancellationToken);
        var missing = store.Missing(corpus.Current);
        using var activity = ActivitySource.StartActivity("search.embed");
        activity?.SetTag("texts", missing.Count);
        foreach (var batch in missing.Chunk(options.Value.BatchSize))
        {
            var vectors = model.Encode(batch.Select(t => t.Text).ToArray(), cancellationToken);
            await store.SaveAsync(_lockConnection!, SentenceModel.Name, batch.Select((t, i) => (t.Hash, vectors[i])).ToArray(), cancellationToken);
            metrics.Embedded(batch.Length);
        }
        LogEmbedded(logger, missing.Count);
    }

    /// <summary>Whether this replica is the one that embeds: it keeps the session (and so the lock) while it lives.</summary>
    private async Task<bool> HoldsLockAsync(CancellationToken cancellationToken)
    {
        if (_lockConnection is { State: System.Data.ConnectionState.Open })
        {
            return true;
        }
        await ReleaseLockAsync();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        cmd.Parameters.Add(new NpgsqlParameter<long>("key", LockKey));
        if (await cmd.ExecuteScalarAsync(cancellationToken) is true)
        {
            _lockConnection = connection;
            return true;
        }
        await connection.DisposeAsync();
        return false;
    }

    private async Task ReleaseLockAsync()
    {
        if (_lockConnection is { } connection)
        {
            _lockConnection = null;
            // A pooled connection's session outlives Dispose: unlock explicitly. A broken one has lost the lock already.
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                cmd.Parameters.Add(new NpgsqlParameter<long>("key", LockKey));
                await cmd.ExecuteScalarAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogUnlockFailed(logger, ex.Message);
            }
            await connection.DisposeAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReleaseLockAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding cycle failed, retrying next poll: {Reason}")]
    private static partial void LogCycleFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing the embedding lock failed (its session is gone): {Reason}")]
    private static partial void LogUnlockFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded and stored {Count} pattern texts")]
    private static partial void LogEmbedded(ILogger logger, int count);
}
