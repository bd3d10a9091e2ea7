using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Sync;

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

/// <summary>One reload and its outcome. <see cref="HistoryError"/> is set when its history row could not be written.</summary>
public sealed record ReloadRecord(Guid Id, string Trigger, string? Actor, IReadOnlyList<string>? Scope, string Instance, DateTime StartedAt,
    DateTime? FinishedAt, double? DurationMs, int Added, int Updated, int Removed, string Result, string? Error, string? HistoryError = null);

/// <summary>
/// Rebuilds what replicas serve and tells the others: a full reload (manual, schedule), named tools (manual), or the
/// tools a write changed (api, file). Every reload is recorded in reload_history with its trigger, actor, scope, timing
/// and outcome.
/// </summary>
public sealed class ReloadService
{
    private readonly ReplicaSync _sync;
    private readonly ReloadHistory _history;
    private readonly ReloadHistoryWriter _historyWriter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _duration;

    public ReloadService(ReplicaSync sync, ReloadHistory history, ReloadHistoryWriter historyWriter, IMeterFactory meters, TimeProvider time)
    {
        (_sync, _history, _historyWriter, _time) = (sync, history, historyWriter, time);
        var meter = meters.Create("ToolCatalog.Reload");
        _reloads = meter.CreateCounter<long>("toolcatalog.reloads", description: "Reloads by trigger and result");
        _duration = meter.CreateHistogram<double>("toolcatalog.reload.duration", "ms", "Reload duration by trigger");
    }

    /// <summary>A whole-catalog reload on this replica, announced to every other one.</summary>
    public async Task<ReloadRecord> ReloadAllAsync(string trigger, string? actor, CancellationToken cancellationToken)
    {
        using var activity = ReplicaSync.ActivitySource.StartActivity("reload");
        activity?.SetTag("reload.trigger", trigger);
        var started = _time.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = await _sync.ServeLatestAsync(null, cancellationToken);
            await _sync.PublishAsync([], outcome.Revision, outcome.Revision, fullReload: true);
            return await RecordAsync(trigger, actor, null, started, clock.Elapsed, outcome, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or CatalogUnavailableException)
        {
            await RecordAsync(trigger, actor, null, started, clock.Elapsed, new ReloadOutcome(0, 0, 0, 0, 0), ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Re-reads the named tools here and makes every replica re-read them, even those that already applied their last
    /// change (an operator's repair after a change made behind the API's back).
    /// </summary>
    public async Task<ReloadRecord> ReloadToolsAsync(IReadOnlyCollection<string> tools, string trigger, string? actor)
    {
        using var activity = ReplicaSync.ActivitySource.StartActivity("reload.tools");
        activity?.SetTag("reload.trigger", trigger);
        var started = _time.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        // Not cancellable: once the snapshot changed here, the other replicas must hear of it.
        var outcome = await _sync.ServeLatestAsync(tools, CancellationToken.None);
        await _sync.PublishAsync(tools, outcome.Revision, outcome.Revision, fullReload: false, force: true);
        return await RecordAsync(trigger, actor, tools.ToArray(), started, clock.Elapsed, outcome, null);
    }

    /// <summary>
    /// After a committed write: announce it to the other replicas and swap the changed tools in here, as the write read
    /// them (cache entries go with them); both start at once, so the others apply while this one does. The history row
    /// is written after the writer has its answer.
    /// </summary>
    public async Task ChangesCommittedAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, IReadOnlyList<ServedTool> served,
        string trigger, string? actor)
    {
        using var activity = ReplicaSync.ActivitySource.StartActivity("reload.changes");
        activity?.SetTag("reload.trigger", trigger);
        activity?.SetTag("catalog.revision", revision);
        var started = _time.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        // The commit already happened: none of this may be cancelled by the caller going away. The announcement goes out
        // while this replica swaps the tools in, and the writer's answer does not wait for Redis to acknowledge it: the
        // message is on its way either way, and one whose send fails is kept and sent again by the replica sync.
        _ = _sync.PublishAsync(tools, fromRevision, revision, fullReload: false, served: served);
        var outcome = await _sync.ServeCommittedAsync(tools, revision, served, CancellationToken.None);
        _historyWriter.Enqueue(Count(trigger, actor, tools.ToArray(), started, clock.Elapsed, outcome, null));
    }

    /// <summary>Counts the reload and writes its history row; a row that cannot be written is logged, counted and reported in the record.</summary>
    private async Task<ReloadRecord> RecordAsync(string trigger, string? actor, string[]? scope, DateTime started, TimeSpan elapsed,
        ReloadOutcome outcome, string? error)
    {
        var record = Count(trigger, actor, scope, started, elapsed, outcome, error);
        // Not cancellable: the reload happened, its row belongs in the history. A row that cannot be written must not
        // fail the reload (or hide its own failure): it is said in the log, the metric, and the answer.
        return await _history.TryInsertAsync(record, CancellationToken.None) is { } historyError ? record with { HistoryError = historyError } : record;
    }

    /// <summary>The reload's record, counted in the reload metrics.</summary>
    private ReloadRecord Count(string trigger, string? actor, string[]? scope, DateTime started, TimeSpan elapsed, ReloadOutcome outcome, string? error)
    {
        var record = new ReloadRecord(Guid.CreateVersion7(), trigger, actor, scope, _sync.InstanceId, started, started + elapsed,
            elapsed.TotalMilliseconds, outcome.Added, outcome.Updated, outcome.Removed, error is null ? "succeeded" : "failed", error);
        _reloads.Add(1, new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("result", record.Result));
        _duration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("trigger", trigger));
        return record;
    }
}
