using System.Diagnostics.Metrics;
using Npgsql;

namespace ToolCatalog.Api.Reload;

public sealed record TriggerStatistics(string Trigger, long Count, long Failed, double? P50Ms, double? P95Ms);

/// <summary>
/// Figures over the most recent reloads: all of them, or the last <see cref="Window"/> when there are more (every write is
/// a reload, so the history grows for as long as the catalog lives).
/// </summary>
public sealed record ReloadStatistics(long Total, long Failed, double FailureRate, IReadOnlyList<TriggerStatistics> Triggers, ReloadRecord? Last,
    int Window);

/// <summary>
/// The reload_history table: every reload with its trigger, actor, scope, timing and outcome, and figures over them. A row
/// that cannot be written is said in the log and the <c>toolcatalog.reload.history_failures</c> metric.
/// </summary>
public sealed partial class ReloadHistory(NpgsqlDataSource dataSource, IMeterFactory meters, ILogger<ReloadHistory> logger)
{
    private readonly Counter<long> _unrecorded = meters.Create("ToolCatalog.Reload")
        .CreateCounter<long>("toolcatalog.reload.history_failures", description: "Reloads whose history row could not be written");

    /// <summary>How many of the most recent reloads <see cref="StatisticsAsync"/> counts: a bounded read whatever the history.</summary>
    public const int StatisticsWindow = 10_000;

    public async Task<IReadOnlyList<ReloadRecord>> ListAsync(int limit, string? trigger, CancellationToken cancellationToken)
    {
        // Two statements: under a generic plan, one with "trigger IS NULL OR trigger = ..." could never use the trigger's
        // index, and walked the history newest first to find a rare trigger's few.
        var sql = $"""
            SELECT id, trigger, actor, scope, instance_id, started_at, finished_at, duration_ms, added, updated, removed, result, error
            FROM reload_history {(trigger is null ? "" : "WHERE trigger = @trigger ")}ORDER BY started_at DESC LIMIT @limit
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        if (trigger is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter<string>("trigger", trigger));
        }
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var records = new List<ReloadRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ReloadRecord(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3), reader.GetString(4), reader.GetDateTime(5),
                reader.IsDBNull(6) ? null : reader.GetDateTime(6), reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        return records;
    }

    public async Task<ReloadStatistics> StatisticsAsync(CancellationToken cancellationToken)
    {
        // Over the most recent reloads only: over all of them this read and sorted the whole history on every call of
        // the metrics summary, 260 ms at 500,000 reloads and growing with every write.
        const string sql = """
            SELECT trigger, count(*), count(*) FILTER (WHERE result = 'failed'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
            FROM (SELECT trigger, result, duration_ms FROM reload_history ORDER BY started_at DESC LIMIT @window) recent
            GROUP BY trigger ORDER BY trigger
            """;
        var triggers = new List<TriggerStatistics>();
        await using (var cmd = dataSource.CreateCommand(sql))
        {
            cmd.Parameters.Add(new NpgsqlParameter<int>("window", StatisticsWindow));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                triggers.Add(new TriggerStatistics(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : Math.Round(reader.GetDouble(3), 3), reader.IsDBNull(4) ? null : Math.Round(reader.GetDouble(4), 3)));
            }
        }
        var last = (await ListAsync(1, null, cancellationToken)).FirstOrDefault();
        var total = triggers.Sum(t => t.Count);
        var failed = triggers.Sum(t => t.Failed);
        return new ReloadStatistics(total, failed, total == 0 ? 0 : Math.Round((double)failed / total, 4), triggers, last, StatisticsWindow);
    }

    public async Task InsertAsync(ReloadRecord r, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO reload_history (id, trigger, actor, scope, instance_id, started_at, finished_at, duration_ms, added, updated, removed, result, error)
            VALUES (@id, @trigger, @actor, @scope, @instance, @started, @finished, @duration, @added, @updated, @removed, @result, @error)
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid>("id", r.Id));
        cmd.Parameters.Add(new NpgsqlParameter<string>("trigger", r.Trigger));
        cmd.Parameters.Add(new NpgsqlParameter("actor", (object?)r.Actor ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter("scope", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)r.Scope?.ToArray() ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<string>("instance", r.Instance));
        cmd.Parameters.Add(new NpgsqlParameter<DateTime>("started", r.StartedAt));
        cmd.Parameters.Add(new NpgsqlParameter("finished", (object?)r.FinishedAt ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter("duration", (object?)r.DurationMs ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter<int>("added", r.Added));
        cmd.Parameters.Add(new NpgsqlParameter<int>("updated", r.Updated));
        cmd.Parameters.Add(new NpgsqlParameter<int>("removed", r.Removed));
        cmd.Parameters.Add(new NpgsqlParameter<string>("result", r.Result));
        cmd.Parameters.Add(new NpgsqlParameter("error", (object?)r.Error ?? DBNull.Value));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes the record's row; when it cannot be, logs and counts that and returns the error (null when written).</summary>
    public async Task<string?> TryInsertAsync(ReloadRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await InsertAsync(record, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            ReportUnrecorded(record, ex);
            return ex.Message;
        }
    }

    /// <summary>Says that the record's row was not written: in the log and the metric.</summary>
    public void ReportUnrecorded(ReloadRecord record, Exception error)
    {
        _unrecorded.Add(1, new KeyValuePair<string, object?>("trigger", record.Trigger));
        LogNotRecorded(logger, record.Id, record.Trigger, error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload {ReloadId} ({Trigger}) not recorded in reload_history")]
    private static partial void LogNotRecorded(ILogger logger, Guid reloadId, string trigger, Exception exception);
}
