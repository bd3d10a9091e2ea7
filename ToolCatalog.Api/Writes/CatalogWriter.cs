using Npgsql;
using ToolCatalog.Api.Reload;

namespace ToolCatalog.Api.Writes;

/// <summary>
/// What a committed (or rehearsed) write did: the caller's result, the tools it changed and the revisions its changes got
/// (without changes, both are the revision the catalog is at).
/// </summary>
public sealed record CommittedWrite<T>(T Result, IReadOnlyList<string> ChangedTools, long FromRevision, long Revision);

/// <summary>
/// The one way anything is written to the catalog — a single PUT, a status change, a delete or a 10,000-tool import:
/// one transaction that locks the tools it touches (in one total order), reads them, adds versions with their audit
/// diff or changes their state, records every change in <c>catalog_changes</c> and the audit log, commits, and then
/// notifies once with the revisions the changes really got. A deadlock or serialization failure (which a concurrent
/// writer can cause despite the lock order, e.g. by creating a tool this transaction then has to lock) is retried a few
/// times after a random pause: the whole write runs again from the start, so it decides on fresh reads.
/// </summary>
public sealed partial class CatalogWriter(NpgsqlDataSource dataSource, CatalogChangeNotifier notifier, ILogger<CatalogWriter> logger)
{
    public const int MaxAttempts = 3;

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction; commits when it recorded changes (rolls back on a dry run or when
    /// it recorded none) and notifies after the commit.
    /// </summary>
    public async Task<CommittedWrite<T>> WriteAsync<T>(string trigger, string actor, bool dryRun,
        Func<WriteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var committed = await AttemptAsync(actor, dryRun, write, cancellationToken);
                if (!dryRun && committed.ChangedTools.Count > 0)
                {
                    await notifier.CommittedAsync(committed.ChangedTools, committed.FromRevision, committed.Revision, trigger, actor);
                }
                return committed;
            }
            catch (PostgresException ex) when (IsRetryable(ex) && attempt < MaxAttempts)
            {
                LogRetry(ex.SqlState, attempt);
                // Jitter, so the writers that collided do not collide again on the next attempt.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), cancellationToken);
            }
        }
    }

    private static bool IsRetryable(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    private async Task<CommittedWrite<T>> AttemptAsync<T>(string actor, bool dryRun, Func<WriteTransaction, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var tx = new WriteTransaction(connection, transaction, actor);
        var result = await write(tx, cancellationToken);
        if (tx.Changes.Count == 0)
        {
            // Nothing changed: the catalog stays at the revision it is at (read without taking the revision row's lock).
            await using var read = new NpgsqlCommand("SELECT revision FROM catalog_state", connection, transaction);
            var current = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
            await transaction.RollbackAsync(cancellationToken);
            return new CommittedWrite<T>(result, [], current, current);
        }
        var revision = await ChangeLog.RecordAsync(connection, transaction, tx.Changes, cancellationToken);
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }
        var tools = tx.Changes.Select(c => c.ToolName).Distinct(StringComparer.Ordinal).ToList();
        return new CommittedWrite<T>(result, tools, revision - tx.Changes.Count + 1, revision);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Write hit {SqlState} on attempt {Attempt}; running it again")]
    private partial void LogRetry(string sqlState, int attempt);
}
