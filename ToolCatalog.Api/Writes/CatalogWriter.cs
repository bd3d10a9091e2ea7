using Npgsql;
using ToolCatalog.Api.Reload;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Writes;

/// <summary>
/// What a committed (or rehearsed) write did: the caller's result, the tools it changed and the revisions its changes got
/// (without changes, both are the revision the catalog is at), and the changed tools as they are served from now on,
/// read in the write's own transaction (a tool missing from <see cref="Served"/> is gone; empty for a rehearsal).
/// </summary>
public sealed record CommittedWrite<T>(T Result, IReadOnlyList<string> ChangedTools, long FromRevision, long Revision,
    IReadOnlyList<ServedTool> Served);

/// <summary>
/// The one way anything is written to the catalog — a single PUT, a status change, a delete or a 10,000-tool import:
/// one transaction that locks the tools it touches (in one total order), reads them, adds versions with their audit
/// diff or changes their state, records every change in <c>catalog_changes</c> and the audit log and reads the changed
/// tools as they will be served (one round trip), commits, and then notifies once with the revisions the changes really
/// got and those tools, so nothing after the commit needs to read them again. A deadlock or serialization failure (which a concurrent
/// writer can cause despite the lock order, e.g. by creating a tool this transaction then has to lock) is retried a few
/// times after a random pause: the whole write runs again from the start, so it decides on fresh reads.
/// </summary>
public sealed partial class CatalogWriter(NpgsqlDataSource dataSource, SnapshotStore snapshots, ReloadService reloads,
    ILogger<CatalogWriter> logger)
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
                    await reloads.ChangesCommittedAsync(committed.ChangedTools, committed.FromRevision, committed.Revision, committed.Served, trigger, actor);
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
        var tx = new WriteTransaction(connection, transaction, actor, snapshots.Current);
        var result = await write(tx, cancellationToken);
        if (tx.Changes.Count == 0)
        {
            // Nothing changed: the catalog stays at the revision it is at (read without taking the revision row's lock).
            await using var read = new NpgsqlCommand("SELECT revision FROM catalog_state", connection, transaction);
            var current = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
            await transaction.RollbackAsync(cancellationToken);
            return new CommittedWrite<T>(result, [], current, current, []);
        }
        var tools = tx.Changes.Select(c => c.ToolName).Distinct(StringComparer.Ordinal).ToList();
        var (revision, served) = await RecordAsync(connection, transaction, tx, dryRun ? null : tools, cancellationToken);
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        return new CommittedWrite<T>(result, tools, revision - tx.Changes.Count + 1, revision, served);
    }

    /// <summary>
    /// Runs the statements the write queued, records the changes and, unless <paramref name="servedTools"/> is null (a
    /// rehearsal, rolled back by the caller), reads those tools as they will be served and commits, all in one round
    /// trip: the read sees this transaction's writes and the revision it holds the lock of. A statement that fails makes
    /// PostgreSQL skip the rest of the batch, COMMIT included, and the transaction is rolled back when disposed; a COMMIT that fails (a serialization failure)
    /// throws here like any other statement. The documents the transaction wrote are not read back: only the state the
    /// database adds (status, enabled, updated_at, fingerprint).
    /// </summary>
    private async Task<(long Revision, IReadOnlyList<ServedTool> Served)> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        WriteTransaction tx, List<string>? servedTools, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var queued in tx.Pending)
        {
            batch.BatchCommands.Add(queued);
        }
        ChangeLog.AddTo(batch, tx.Changes);
        var known = snapshots.Current;
        if (servedTools is not null)
        {
            batch.BatchCommands.Add(SnapshotStore.ReadToolsCommand(servedTools.ToArray(), known, tx.Written));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }
        // Once sent, the batch commits whatever the caller does: its answer is read to the end without cancellation, so
        // a committed change is always swapped in and announced.
        var committing = servedTools is null ? cancellationToken : CancellationToken.None;
        // The queued statements return no rows but the few counted in PendingResults (read past here), so the reader then
        // stands on the change record's revision; an error of theirs surfaces on the way there.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < tx.PendingResults; i++)
        {
            await reader.NextResultAsync(committing);
        }
        var revision = await ChangeLog.ReadRevisionAsync(reader, committing);
        IReadOnlyList<ServedTool> served = [];
        // The audit insert and COMMIT return no rows; the read is the only statement after the first with columns. Going
        // through every remaining result also surfaces any statement's error here.
        while (await reader.NextResultAsync(committing))
        {
            if (reader.FieldCount > 0 && servedTools is not null)
            {
                (_, served) = await SnapshotStore.ReadToolRowsAsync(reader, known, tx.Written, committing);
            }
        }
        return (revision, served);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Write hit {SqlState} on attempt {Attempt}; running it again")]
    private partial void LogRetry(string sqlState, int attempt);
}
