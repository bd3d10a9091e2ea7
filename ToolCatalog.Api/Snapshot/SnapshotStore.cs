using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Data;

namespace ToolCatalog.Api.Snapshot;

/// <summary>
/// Owns what the API serves: the current version of every live tool, as an immutable <see cref="CatalogSnapshot"/>,
/// and every swap of it (a whole rebuild, a re-read of some tools, tools as another replica announced them). Database
/// first; when the database cannot be reached and nothing is loaded yet, the YAML folder, so the service can still
/// answer (health says Degraded). The only place that builds served tools from stored rows.
/// </summary>
public sealed partial class SnapshotStore(NpgsqlDataSource dataSource, IOptions<CatalogOptions> options, TimeProvider time, ILogger<SnapshotStore> logger)
{
    private static readonly ActivitySource ActivitySource = new("ToolCatalog.Snapshot");

    private readonly SemaphoreSlim _swapGate = new(1, 1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;

    // Tools a database read found gone, with the revision of that read (guarded by _swapGate). An announced state
    // from before that revision arriving late must not bring a deleted tool back.
    private readonly Dictionary<string, long> _removedAt = new(StringComparer.Ordinal);
    private const int MaxRemembered = 10_000;

    public CatalogSnapshot Current => _current;

    /// <summary>The last error of a database load, for health reporting; null after a successful one.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Set when the last whole load failed with an error that is not an outage (an SQL bug, a missing table or
    /// permission): health is Unhealthy until a load succeeds, whatever snapshot is still served.
    /// </summary>
    public bool LastErrorIsFault { get; private set; }

    /// <summary>
    /// Rebuilds the snapshot from the database (or the fallback folder) and swaps it in. Concurrent calls queue:
    /// each reload sees everything committed before it started.
    /// </summary>
    public async Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("snapshot.reload");
        return await SwapAsync(async before =>
        {
            var next = await LoadAsync(before, cancellationToken);
            if (next.Source == SnapshotSource.Database)
            {
                RememberRemoved(before.Ordered.Select(t => t.Name).Where(k => next.Find(k) is null), next.Revision);
            }
            activity?.SetTag("tools.loaded", next.Count);
            return (next, (IReadOnlySet<string>?)null);
        }, cancellationToken);
    }

    /// <summary>
    /// Swaps in what <paramref name="build"/> makes of the current snapshot, one swap at a time (the gate also guards
    /// the remembered removals), and says what changed among the tools the build touched (null: any tool).
    /// </summary>
    private async Task<ReloadOutcome> SwapAsync(Func<CatalogSnapshot, Task<(CatalogSnapshot Next, IReadOnlySet<string>? Touched)>> build,
        CancellationToken cancellationToken)
    {
        await _swapGate.WaitAsync(cancellationToken);
        try
        {
            var before = _current;
            var (next, touched) = await build(before);
            _current = next;
            return ReloadOutcome.Compare(before, next, touched);
        }
        finally
        {
            _swapGate.Release();
        }
    }

    private async Task<CatalogSnapshot> LoadAsync(CatalogSnapshot before, CancellationToken cancellationToken)
    {
        try
        {
            var (revision, tools) = await ReadToolsAsync(null, before, cancellationToken);
            (LastError, LastErrorIsFault) = (null, false);
            return new CatalogSnapshot(tools, revision, SnapshotSource.Database, time.GetUtcNow());
        }
        catch (Exception ex) when (DatabaseFailure.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            (LastError, LastErrorIsFault) = (ex.Message, false);
            if (before.Source == SnapshotSource.Database)
            {
                // Keep serving the last good snapshot: stale beats empty.
                LogKeepingLastGood(logger, ex.Message);
                throw;
            }
            var files = await LoadFromFilesAsync(cancellationToken)
                ?? throw new CatalogUnavailableException("database unreachable and no fallback folder configured", ex);
            LogServingFiles(logger, files.Count, options.Value.FallbackPath!, ex.Message);
            return files;
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The database answered and refused: a schema bug or a permission, not an outage. Serving the YAML
            // folder would hide it behind "degraded"; health says Unhealthy with the error instead.
            (LastError, LastErrorIsFault) = (ex.Message, true);
            LogLoadFault(logger, ex);
            throw;
        }
    }

    /// <summary>
    /// Re-reads only the named tools and swaps in a snapshot that differs from the current one in those tools alone:
    /// what a write (here or on another replica) needs, at a cost independent of the catalog's size.
    /// </summary>
    public async Task<ReloadOutcome> ApplyChangesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("snapshot.apply");
        activity?.SetTag("tools.changed", names.Count);
        return await SwapAsync(async before =>
        {
            var (revision, loaded) = await ReadToolsAsync(names.ToArray(), before, cancellationToken);
            var changed = names.ToHashSet(StringComparer.Ordinal);
            var next = Replace(before, changed, loaded, revision);
            RememberRemoved(changed.Where(n => next.Find(n) is null), revision);
            return (next, (IReadOnlySet<string>?)changed);
        }, cancellationToken);
    }

    /// <summary>
    /// Swaps in tools as another replica announced them, without reading the database. Announcements and catch-ups
    /// may arrive in any order, so a tool is only replaced by a later change than the one served, and a tool a database
    /// read found deleted only comes back with a change made after that read.
    /// </summary>
    public async Task<ReloadOutcome> ApplyStatesAsync(IReadOnlyCollection<ToolState> states, long revision, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("snapshot.apply_announced");
        activity?.SetTag("tools.changed", states.Count);
        return await SwapAsync(before =>
        {
            var incoming = new Dictionary<string, ServedTool>(StringComparer.Ordinal);
            foreach (var state in states)
            {
                var newest = NewestKnown(before, state.Name);
                if (newest >= state.ChangeRevision || (incoming.TryGetValue(state.Name, out var other) && other.ChangeRevision >= state.ChangeRevision))
                {
                    continue;
                }
                incoming[state.Name] = new ServedTool
                {
                    Document = ToolDocumentFromStored(state.Document),
                    Status = state.Status,
                    Enabled = state.Enabled,
                    UpdatedAt = state.UpdatedAt,
                    ChangeRevision = state.ChangeRevision,
                    SourceFingerprint = state.Fingerprint,
                    Stored = state.Stored,
                };
            }
            var replaced = incoming.Keys.ToHashSet(StringComparer.Ordinal);
            return Task.FromResult((Replace(before, replaced, incoming.Values, revision), (IReadOnlySet<string>?)replaced));
        }, cancellationToken);
    }

    /// <summary>
    /// Swaps in the named tools as a write read them in its own transaction, just before committing at
    /// <paramref name="revision"/>: a named tool the read did not find is gone. Writers of different tools commit and
    /// get here in any order, so like announced states a tool is only replaced by a later change than the one served.
    /// </summary>
    public async Task<ReloadOutcome> ApplyCommittedAsync(IReadOnlyCollection<string> names, long revision, IReadOnlyList<ServedTool> read,
        CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("snapshot.apply_committed");
        activity?.SetTag("tools.changed", names.Count);
        return await SwapAsync(before =>
        {
            var incoming = read.Where(tool => NewestKnown(before, tool.Name) < tool.ChangeRevision).ToList();
            var found = read.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var removed = names.Where(n => !found.Contains(n) && before.Find(n) is { } served && served.ChangeRevision <= revision).ToList();
            var replaced = incoming.Select(t => t.Name).Concat(removed).ToHashSet(StringComparer.Ordinal);
            var next = Replace(before, replaced, incoming, revision);
            RememberRemoved(names.Where(n => !found.Contains(n) && next.Find(n) is null), revision);
            return Task.FromResult((next, (IReadOnlySet<string>?)replaced));
        }, cancellationToken);
    }

    /// <summary>The revision of the last change applied to the tool here: served, or found deleted; -1 when never seen.</summary>
    private long NewestKnown(CatalogSnapshot snapshot, string name) =>
        snapshot.Find(name)?.ChangeRevision ?? (_removedAt.TryGetValue(name, out var removedAt) ? removedAt : -1);

    /// <summary><paramref name="before"/> with the <paramref name="replaced"/> tools taken out and <paramref name="incoming"/> put in.</summary>
    private CatalogSnapshot Replace(CatalogSnapshot before, IReadOnlySet<string> replaced, IEnumerable<ServedTool> incoming, long revision) =>
        before.With(replaced, incoming, Math.Max(before.Revision, revision),
            before.Source == SnapshotSource.Empty ? SnapshotSource.Database : before.Source, time.GetUtcNow());

    private void RememberRemoved(IEnumerable<string> names, long revision)
    {
        foreach (var name in names)
        {
            _removedAt[name] = revision;
        }
        if (_removedAt.Count > MaxRemembered)
        {
            // Forget the oldest half: announcements that late are long superseded by catch-ups.
            foreach (var old in _removedAt.OrderBy(p => p.Value).Take(_removedAt.Count / 2).Select(p => p.Key).ToList())
            {
                _removedAt.Remove(old);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog reload failed, keeping the last good snapshot: {Error}")]
    private static partial void LogKeepingLastGood(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable ({Error}); serving {Count} tools from {Path} (degraded)")]
    private static partial void LogServingFiles(ILogger logger, int count, string path, string error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Catalog load refused by the database (not an outage: no fallback)")]
    private static partial void LogLoadFault(ILogger logger, Exception exception);
}
