using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Profiles;

namespace ToolCatalog.Api.Reload;

public static class ReloadTriggers
{
    public const string Manual = "manual";
    public const string Api = "api";
    public const string File = "file";
    public const string Schedule = "schedule";
    public const string Startup = "startup";

    public static readonly string[] All = [Manual, Api, File, Schedule, Startup];
}

public sealed record ReloadRecord(Guid Id, string Trigger, string? Actor, IReadOnlyList<string>? Scope, string Instance, DateTime StartedAt,
    DateTime? FinishedAt, double? DurationMs, int Added, int Updated, int Removed, string Result, string? Error);

/// <summary>
/// Rebuilds what replicas serve and tells the others: a full reload (manual, schedule) or the tools a write changed
/// (api, file). Every reload is recorded in reload_history with its trigger, actor, scope, timing and outcome.
/// </summary>
public sealed partial class ReloadService(
    InvalidationBus bus,
    NpgsqlDataSource dataSource,
    ILogger<ReloadService> logger)
{
    private static readonly Meter Meter = new("ToolCatalog.Reload");
    private static readonly Counter<long> Reloads = Meter.CreateCounter<long>("toolcatalog.reloads", description: "Reloads by trigger and result");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("toolcatalog.reload.duration", "ms", "Reload duration by trigger");

    /// <summary>A whole-catalog reload on this replica, announced to every other one.</summary>
    public async Task<ReloadRecord> ReloadAllAsync(string trigger, string? actor, CancellationToken cancellationToken)
    {
        using var activity = InvalidationBus.ActivitySource.StartActivity("reload");
        activity?.SetTag("reload.trigger", trigger);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = await bus.ServeLatestAsync(null, cancellationToken);
            await bus.PublishAsync([], outcome.Revision, outcome.Revision, fullReload: true);
            return await RecordAsync(trigger, actor, null, started, clock.Elapsed, outcome, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or CatalogUnavailableException)
        {
            await TryRecordFailureAsync(trigger, actor, null, started, clock.Elapsed, ex.Message);
            throw;
        }
    }

    /// <summary>After a committed write: apply the changed tools here, drop their cache entries, tell the other replicas.</summary>
    public async Task ChangesCommittedAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, string trigger, string? actor)
    {
        using var activity = InvalidationBus.ActivitySource.StartActivity("reload.changes");
        activity?.SetTag("reload.trigger", trigger);
        activity?.SetTag("catalog.revision", revision);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        // The commit already happened: none of this may be cancelled by the caller going away.
        var outcome = await bus.ServeLatestAsync(tools, CancellationToken.None);
        await bus.PublishAsync(tools, fromRevision, revision, fullReload: false);
        await RecordAsync(trigger, actor, tools.ToArray(), started, clock.Elapsed, outcome, null, CancellationToken.None);
    }

    /// <summary>
    /// A reload of some tools that no write caused (an operator's): re-read them here and make every replica re-read them
    /// (forced: they may have applied the revision already), announced with the revision this replica now serves.
    /// </summary>
    public async Task<ReloadRecord> ReloadToolsAsync(IReadOnlyCollection<string> tools, string trigger, string? actor, CancellationToken cancellationToken)
    {
        using var activity = InvalidationBus.ActivitySource.StartActivity("reload.tools");
        activity?.SetTag("reload.trigger", trigger);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var outcome = await bus.ServeLatestAsync(tools, cancellationToken);
        await bus.PublishAsync(tools, outcome.Revision, outcome.Revision, fullReload: false, force: true);
        return await RecordAsync(trigger, actor, tools.ToArray(), started, clock.Elapsed, outcome, null, CancellationToken.None);
    }

    public async Task<IReadOnlyList<ReloadRecord>> HistoryAsync(int limit, string? trigger, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT id, trigger, actor, scope, instance_id, started_at, finished_at, duration_ms, added, updated, removed, result, error
            FROM reload_history WHERE (@trigger::text IS NULL OR trigger = @trigger)
            ORDER BY started_at DESC LIMIT @limit
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter("trigger", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)trigger ?? DBNull.Value });
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
        const string sql = """
            SELECT trigger, count(*), count(*) FILTER (WHERE result = 'failed'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
            FROM reload_history GROUP BY trigger ORDER BY trigger
            """;
        var triggers = new List<TriggerStatistics>();
        await using (var cmd = dataSource.CreateCommand(sql))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                triggers.Add(new TriggerStatistics(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : Math.Round(reader.GetDouble(3), 3), reader.IsDBNull(4) ? null : Math.Round(reader.GetDouble(4), 3)));
            }
        }
        var last = (await HistoryAsync(1, null, cancellationToken)).FirstOrDefault();
        var total = triggers.Sum(t => t.Count);
        var failed = triggers.Sum(t => t.Failed);
        return new ReloadStatistics(total, failed, total == 0 ? 0 : Math.Round((double)failed / total, 4), triggers, last);
    }

    private async Task<ReloadRecord> RecordAsync(string trigger, string? actor, string[]? scope, DateTime started, TimeSpan elapsed,
        ReloadOutcome outcome, string? error, CancellationToken cancellationToken)
    {
        var record = new ReloadRecord(Guid.CreateVersion7(), trigger, actor, scope, bus.InstanceId, started, started + elapsed,
            elapsed.TotalMilliseconds, outcome.Added, outcome.Updated, outcome.Removed, error is null ? "succeeded" : "failed", error);
        Reloads.Add(1, new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("result", record.Result));
        Duration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("trigger", trigger));
        try
        {
            await InsertAsync(record, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // The reload itself worked; losing its history row must not fail the request that caused it.
            LogHistoryNotRecorded(logger, ex.Message);
        }
        return record;
    }

    private async Task TryRecordFailureAsync(string trigger, string? actor, string[]? scope, DateTime started, TimeSpan elapsed, string error)
    {
        try
        {
            await RecordAsync(trigger, actor, scope, started, elapsed, new ReloadOutcome(0, 0, 0, 0, 0), error, CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // Reported through logs and metrics already.
        }
    }

    private async Task InsertAsync(ReloadRecord r, CancellationToken cancellationToken)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reload history not recorded: {Error}")]
    private static partial void LogHistoryNotRecorded(ILogger logger, string error);
}

public sealed record TriggerStatistics(string Trigger, long Count, long Failed, double? P50Ms, double? P95Ms);

public sealed record ReloadStatistics(long Total, long Failed, double FailureRate, IReadOnlyList<TriggerStatistics> Triggers, ReloadRecord? Last);
