using Npgsql;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Sync;

/// <summary>How <see cref="ReplicaSync"/> applies announcements and catches up.</summary>
public sealed partial class ReplicaSync
{
    private async Task ApplyAsync(IReadOnlyList<InvalidationMessage> messages, CancellationToken cancellationToken)
    {
        var pending = new List<InvalidationMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Source == InstanceId)
            {
                metrics.Message("received", "own");
            }
            else if (!message.FullReload && !message.Force && _applied.Covers(message.FromRevision, message.Revision))
            {
                metrics.Message("received", "old");
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
            ? await ServeToolsAsync(tools!, ct => snapshots.ApplyStatesAsync(pending.SelectMany(m => m.States!).ToList(), pending.Max(m => m.Revision), ct),
                cancellationToken)
            : await ServeLatestAsync(tools, cancellationToken);
        if (fullReload)
        {
            _applied.Reset(outcome.Revision);
        }
        var now = time.GetUtcNow();
        foreach (var message in pending)
        {
            if (!message.FullReload && !message.Force)
            {
                _applied.Add(message.FromRevision, message.Revision);
            }
            metrics.Applied(announced ? "message" : "database", now - message.Timestamp);
        }
    }

    /// <summary>
    /// Makes this replica serve what PostgreSQL holds now for the named tools (or, with null, for the whole catalog),
    /// and tells the listeners what changed.
    /// </summary>
    public async Task<ReloadOutcome> ServeLatestAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
    {
        if (tools is not null)
        {
            return await ServeToolsAsync(tools, ct => snapshots.ApplyChangesAsync(tools, ct), cancellationToken);
        }
        var outcome = await snapshots.ReloadAsync(cancellationToken);
        // Entries are keyed by the revision of their content: when the rebuilt snapshot serves exactly what the old
        // one did, every cached response is still right, and a scheduled reload costs no burst of misses.
        if (outcome.Changed)
        {
            await NotifyAsync(null, cancellationToken);
        }
        return outcome;
    }

    /// <summary>
    /// Makes this replica serve the tools a write here committed at <paramref name="revision"/>, as the write read them in
    /// its transaction (no database read), and tells the listeners.
    /// </summary>
    public Task<ReloadOutcome> ServeCommittedAsync(IReadOnlyCollection<string> tools, long revision, IReadOnlyList<ServedTool> served,
        CancellationToken cancellationToken) =>
        ServeToolsAsync(tools, ct => snapshots.ApplyCommittedAsync(tools, revision, served, ct), cancellationToken);

    /// <summary>Swaps in the named tools (<paramref name="apply"/>: read from PostgreSQL, or as announced) and tells the listeners.</summary>
    private async Task<ReloadOutcome> ServeToolsAsync(IReadOnlyCollection<string> tools, Func<CancellationToken, Task<ReloadOutcome>> apply,
        CancellationToken cancellationToken)
    {
        var outcome = await apply(cancellationToken);
        await NotifyAsync(tools, cancellationToken);
        return outcome;
    }

    private async Task NotifyAsync(IReadOnlyCollection<string>? tools, CancellationToken cancellationToken)
    {
        foreach (var listener in _listeners)
        {
            await listener.ServedChangedAsync(tools, cancellationToken);
        }
    }

    /// <summary>Applies every change after the watermark, read from the change table (the source of truth).</summary>
    private async Task CatchUpAsync(string reason, bool flush, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("invalidation.catchup");
        activity?.SetTag("reason", reason);
        if (flush)
        {
            // After a reconnect nobody knows what was missed: forget every derived entry.
            await NotifyAsync(null, cancellationToken);
        }
        var (latest, tools) = await ChangedSinceAsync(_applied.Watermark, cancellationToken);
        if (tools.Length > 0)
        {
            await ServeLatestAsync(tools, cancellationToken);
        }
        _applied.Reset(latest);
        if (tools.Length > 0 || flush)
        {
            metrics.CatchUp(reason);
        }
    }

    /// <summary>The latest revision in the change table and the tools changed after <paramref name="after"/>.</summary>
    private async Task<(long Latest, string[] Tools)> ChangedSinceAsync(long after, CancellationToken cancellationToken)
    {
        // The reader (and with it the pooled connection) is released before applying, which opens connections of its own.
        await using var cmd = dataSource.CreateCommand(
            "SELECT coalesce(max(revision), @after), coalesce(array_agg(DISTINCT tool_name), '{}') FROM catalog_changes WHERE revision > @after");
        cmd.Parameters.Add(new NpgsqlParameter<long>("after", after));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetFieldValue<string[]>(1));
    }
}
