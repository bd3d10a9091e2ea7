using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Profiles;

public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>The YAML folder served when the database is unreachable at start (empty: no fallback).</summary>
    public string? FallbackPath { get; set; }
}

/// <summary>
/// What the API serves from: the current version of every live tool, as an immutable <see cref="CatalogSnapshot"/>.
/// Database first; when the database cannot be reached and nothing is loaded yet, the YAML folder, so the service
/// can still answer (health says Degraded).
/// </summary>
public sealed partial class ProfileLoader(NpgsqlDataSource dataSource, IOptions<CatalogOptions> options, ILogger<ProfileLoader> logger)
{
    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Profiles");

    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;

    // Tools a database read found gone, with the revision of that read (guarded by _reloadGate). An announced state
    // from before that revision arriving late must not bring a deleted tool back.
    private readonly Dictionary<string, long> _removedAt = new(StringComparer.Ordinal);
    private const int MaxRemembered = 10_000;

    public CatalogSnapshot Current => _current;

    /// <summary>The last error of a database load, for health reporting; null after a successful one.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// Rebuilds the snapshot from the database (or the fallback folder) and swaps it in. Concurrent calls queue:
    /// each reload sees everything committed before it started.
    /// </summary>
    public async Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("profiles.reload");
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            var before = _current;
            CatalogSnapshot next;
            try
            {
                next = await LoadFromDatabaseAsync(cancellationToken);
                LastError = null;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                LastError = ex.Message;
                if (before.Source == SnapshotSource.Database)
                {
                    // Keep serving the last good snapshot: stale beats empty.
                    LogKeepingLastGood(logger, ex.Message);
                    throw;
                }
                next = await LoadFromFilesAsync(cancellationToken) ?? throw new CatalogUnavailableException("database unreachable and no fallback folder configured", ex);
                LogServingFiles(logger, next.Tools.Count, options.Value.FallbackPath!, ex.Message);
            }
            if (next.Source == SnapshotSource.Database)
            {
                RememberRemoved(before.Tools.Keys.Where(k => next.Find(k) is null), next.Revision);
            }
            _current = next;
            var outcome = ReloadOutcome.Compare(before, next);
            activity?.SetTag("tools.loaded", next.Tools.Count);
            return outcome;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>
    /// Re-reads only the named tools and swaps in a snapshot that differs from the current one in those tools alone:
    /// what a write (here or on another replica) needs, at a cost independent of the catalog's size.
    /// </summary>
    public async Task<ReloadOutcome> ApplyChangesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("profiles.apply");
        activity?.SetTag("tools.changed", names.Count);
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            var before = _current;
            var (revision, loaded) = await ReadToolsAsync(names.ToArray(), before, cancellationToken);
            var changed = names.ToHashSet(StringComparer.Ordinal);
            var next = Replace(before, changed, loaded, revision);
            RememberRemoved(changed.Where(n => next.Find(n) is null), revision);
            _current = next;
            return ReloadOutcome.Compare(before, next);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>
    /// Swaps in tools as another replica announced them, without reading the database. Announcements and catch-ups
    /// may arrive in any order, so a tool is only replaced by a later change than the one served, and a tool a database
    /// read found deleted only comes back with a change made after that read.
    /// </summary>
    public async Task<ReloadOutcome> ApplyStatesAsync(IReadOnlyCollection<Reload.ToolState> states, long revision, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("profiles.apply_announced");
        activity?.SetTag("tools.changed", states.Count);
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            var before = _current;
            var incoming = new Dictionary<string, ServedTool>(StringComparer.Ordinal);
            foreach (var state in states)
            {
                var newest = before.Find(state.Name)?.ChangeRevision
                    ?? (_removedAt.TryGetValue(state.Name, out var removedAt) ? removedAt : -1);
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
                };
            }
            var next = Replace(before, incoming.Keys.ToHashSet(StringComparer.Ordinal), incoming.Values, revision);
            _current = next;
            return ReloadOutcome.Compare(before, next);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary><paramref name="before"/> with the <paramref name="replaced"/> tools taken out and <paramref name="incoming"/> put in.</summary>
    private static CatalogSnapshot Replace(CatalogSnapshot before, IReadOnlySet<string> replaced, IEnumerable<ServedTool> incoming, long revision) =>
        new(before.Ordered.Where(t => !replaced.Contains(t.Name)).Concat(incoming), Math.Max(before.Revision, revision),
            before.Source == SnapshotSource.Empty ? SnapshotSource.Database : before.Source, DateTimeOffset.UtcNow);

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

    /// <summary>A tool at a given version: the snapshot for the current one, the database for older ones.</summary>
    public async Task<ToolDocument?> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (_current.Find(name) is { } served && served.Version == version)
        {
            return served.Document;
        }
        const string sql = """
            SELECT v.source::text FROM tool_versions v JOIN tools t ON t.id = v.tool_id
            WHERE t.name = @name AND v.version = @version
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", name));
        cmd.Parameters.Add(new NpgsqlParameter<string>("version", version));
        return await cmd.ExecuteScalarAsync(cancellationToken) is string json ? ToolDocumentFromStored(json) : null;
    }

    private async Task<CatalogSnapshot> LoadFromDatabaseAsync(CancellationToken cancellationToken)
    {
        var (revision, tools) = await ReadToolsAsync(null, _current, cancellationToken);
        return new CatalogSnapshot(tools, revision, SnapshotSource.Database, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Current documents of live tools (all, or the named ones) and the revision they belong to. A tool whose served
    /// version row, state and last change match what <paramref name="known"/> serves is taken over as it is: PostgreSQL
    /// only sends (and this process only parses) the documents that differ, so a reload that changes nothing is cheap.
    /// The row's fingerprint is its id and xmin (the transaction that last wrote it), which any UPDATE changes, even one
    /// made with SQL behind the API's back; hashing every document instead cost more than the rest of the reload.
    /// </summary>
    private async Task<(long Revision, List<ServedTool> Tools)> ReadToolsAsync(string[]? names, CatalogSnapshot known, CancellationToken cancellationToken)
    {
        // One statement: the revision and the rows come from one snapshot (so the revision describes exactly these rows)
        // in one round trip. Every round trip waits for a CPU on a busy host, and this read is on the path of every
        // change reaching a replica. The outer join keeps the revision row when no tool matches (a deleted tool).
        const string sql = """
            SELECT s.revision, r.name, r.fingerprint, r.source, r.status, r.enabled, r.updated_at, r.change_revision
            FROM (SELECT revision FROM catalog_state) s
            LEFT JOIN LATERAL (
                SELECT t.name, f.fingerprint, CASE WHEN k.fingerprint = f.fingerprint THEN NULL ELSE v.source::text END AS source,
                       t.status, t.enabled, t.updated_at,
                       coalesce((SELECT max(c.revision) FROM catalog_changes c WHERE c.tool_name = t.name), 0) AS change_revision
                FROM tools t JOIN tool_versions v ON v.tool_id = t.id
                 AND v.version = coalesce(t.default_version, (SELECT c.version FROM tool_versions c WHERE c.tool_id = t.id AND c.is_current))
                CROSS JOIN LATERAL (SELECT v.id::text || ':' || v.xmin::text AS fingerprint) f
                LEFT JOIN unnest(@known_names::text[], @known_fingerprints::text[]) AS k(name, fingerprint) ON k.name = t.name
                WHERE t.deleted_at IS NULL AND (@names::text[] IS NULL OR t.name = ANY(@names))
            ) r ON true
            """;
        var reusable = (names is null ? known.Ordered : names.Select(known.Find).OfType<ServedTool>())
            .Where(t => t.SourceFingerprint is not null).ToList();
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter("names", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)names ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("known_names", reusable.Select(t => t.Name).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("known_fingerprints", reusable.Select(t => t.SourceFingerprint!).ToArray()));
        long revision = 0;
        var tools = new List<ServedTool>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            revision = reader.GetInt64(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }
            var name = reader.GetString(1);
            var fingerprint = reader.GetString(2);
            var status = reader.GetString(4);
            var enabled = reader.GetBoolean(5);
            var updatedAt = reader.GetDateTime(6);
            var changeRevision = reader.GetInt64(7);
            var previous = known.Find(name);
            // A null source means the row is the one served now: keep its parsed document, and the whole entry (with
            // its serialized bytes) when nothing else changed either.
            var sameRow = reader.IsDBNull(3) && previous is not null;
            if (sameRow && previous!.Status == status && previous.Enabled == enabled && previous.UpdatedAt == updatedAt && previous.ChangeRevision == changeRevision)
            {
                tools.Add(previous);
                continue;
            }
            tools.Add(new ServedTool
            {
                Document = sameRow ? previous!.Document : ToolDocumentFromStored(reader.GetString(3)),
                Status = status,
                Enabled = enabled,
                UpdatedAt = updatedAt,
                ChangeRevision = changeRevision,
                SourceFingerprint = fingerprint,
            });
        }
        return (revision, tools);
    }

    private async Task<CatalogSnapshot?> LoadFromFilesAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.FallbackPath;
        if (string.IsNullOrWhiteSpace(path) || !Directory.Exists(path))
        {
            return null;
        }
        var files = await CatalogDirectory.LoadAsync(path, cancellationToken);
        var tools = files.Where(f => f.Tool is not null).Select(f => new ServedTool
        {
            Document = f.Tool!,
            Status = f.Tool!.Status,
            Enabled = f.Tool.Enabled,
            UpdatedAt = DateTime.UtcNow,
            ChangeRevision = 0,
        });
        return new CatalogSnapshot(tools, 0, SnapshotSource.Files, DateTimeOffset.UtcNow);
    }

    /// <summary>Stored documents were validated on the way in; rebuilding the typed view needs no second validation.</summary>
    internal static ToolDocument ToolDocumentFromStored(string json) =>
        ToolDocument.FromValidated((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(json)!);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog reload failed, keeping the last good snapshot: {Error}")]
    private static partial void LogKeepingLastGood(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable ({Error}); serving {Count} tools from {Path} (degraded)")]
    private static partial void LogServingFiles(ILogger logger, int count, string path, string error);
}

public sealed class CatalogUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>What a reload changed, by tool name.</summary>
public sealed record ReloadOutcome(int Added, int Updated, int Removed, int Total, long Revision)
{
    public static ReloadOutcome Compare(CatalogSnapshot before, CatalogSnapshot after)
    {
        var added = after.Tools.Keys.Count(k => !before.Tools.ContainsKey(k));
        var removed = before.Tools.Keys.Count(k => !after.Tools.ContainsKey(k));
        var updated = after.Tools.Count(p => before.Tools.TryGetValue(p.Key, out var old)
            && (old.Document.ContentHash != p.Value.Document.ContentHash || old.Status != p.Value.Status || old.Enabled != p.Value.Enabled));
        return new ReloadOutcome(added, updated, removed, after.Tools.Count, after.Revision);
    }
}
