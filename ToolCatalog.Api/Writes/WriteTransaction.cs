using System.Text.Json;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Tools;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Writes;

/// <summary>A tool locked by the running write: its operational state and (when read) its current document.</summary>
public sealed record LockedTool(long Id, string Name, string Status, bool Enabled, DateTime? DeletedAt, int MaxSeq, string? CurrentHash,
    ToolDocument? Current)
{
    public string? ETag => Current is null ? null : ServedRepresentation.Build(Current, Status, Enabled).ETag;

    /// <summary>Whether the tool already has the version the lock was asked about (versions are immutable).</summary>
    public bool NewVersionTaken { get; init; }
}

/// <summary>A new version to add to a locked tool, and how the change is recorded.</summary>
public sealed record VersionToAdd(LockedTool Tool, ToolDocument Document, string Action, string? Reason);

/// <summary>
/// The operations of one <see cref="CatalogWriter"/> transaction. Each works on any number of tools with a fixed number
/// of statements, so a single PUT and a 10,000-tool import run the same code. Every change is queued for the change
/// log, which the writer records before it commits.
/// </summary>
public sealed partial class WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, CatalogSnapshot served)
{
    /// <summary>The audit diff has the shape GET .../diff answers with (camelCase), not the entries' C# names.</summary>
    private static readonly JsonSerializerOptions AuditDiffJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly List<CatalogChange> _changes = [];
    private readonly Dictionary<string, ToolDocument> _written = new(StringComparer.Ordinal);
    private readonly List<NpgsqlBatchCommand> _pending = [];

    internal IReadOnlyList<CatalogChange> Changes => _changes;

    /// <summary>The documents this transaction made their tools' current versions: what they serve after the commit.</summary>
    internal IReadOnlyDictionary<string, ToolDocument> Written => _written;

    /// <summary>Statements queued to run in the round trip that records the changes and commits, in this order before it.</summary>
    internal IReadOnlyList<NpgsqlBatchCommand> Pending => _pending;

    /// <summary>How many of the <see cref="Pending"/> statements return a result (each one row), which the writer reads past.</summary>
    internal int PendingResults { get; private set; }

    /// <summary>The SQLSTATE of <see cref="LockAsServed"/>'s check: the database no longer holds what the tool was served as.</summary>
    public const string NotAsServed = "TC001";

    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;

    /// <summary>
    /// Creates the tools that do not exist yet (in ordinal name order, like every lock this writer takes, so two
    /// writers never wait on each other in opposite orders) and returns the ones this transaction created.
    /// </summary>
    public async Task<Dictionary<string, LockedTool>> CreateAsync(IEnumerable<ToolDocument> documents, CancellationToken cancellationToken)
    {
        var sorted = documents.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var created = new Dictionary<string, LockedTool>(StringComparer.Ordinal);
        if (sorted.Count == 0)
        {
            return created;
        }
        const string sql = """
            INSERT INTO tools (name, status, enabled)
            SELECT u.name, u.status, u.enabled FROM unnest(@names, @statuses, @enabled) WITH ORDINALITY AS u(name, status, enabled, n) ORDER BY n
            ON CONFLICT (name) DO NOTHING
            RETURNING name, id
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("names", sorted.Select(t => t.Name).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("statuses", sorted.Select(t => t.Status).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<bool[]>("enabled", sorted.Select(t => t.Enabled).ToArray()));
        var byName = sorted.ToDictionary(d => d.Name, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var document = byName[reader.GetString(0)];
            created[document.Name] = new LockedTool(reader.GetInt64(1), document.Name, document.Status, document.Enabled, null, 0, null, null);
        }
        return created;
    }

    /// <summary>
    /// Locks the existing tools among <paramref name="names"/> (ordinal name order) and reads their state; with
    /// <paramref name="withDocuments"/> also their current documents (needed for ETags). A current version whose row
    /// this replica serves unchanged (same id and xmin) is taken from the snapshot: PostgreSQL does not send it and this
    /// process does not parse it again. <paramref name="newVersions"/> (tool name to version string) asks in the same
    /// round trip whether a tool already has that version (<see cref="LockedTool.NewVersionTaken"/>), so a caller adding
    /// it can <see cref="QueueVersions"/> instead of spending a round trip on finding out.
    /// </summary>
    public async Task<Dictionary<string, LockedTool>> LockAsync(IEnumerable<string> names, bool withDocuments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? newVersions = null)
    {
        var sorted = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        // Lock first, then read in a second statement: under READ COMMITTED a statement that waited for a row lock still
        // reads its subqueries from its own older snapshot, and would see a stale max(seq), current version and hash.
        // Both go in one batch (one round trip): each statement of a batch takes its own snapshot after the previous one.
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""SELECT id FROM tools WHERE name = ANY(@names) ORDER BY name COLLATE "C" FOR UPDATE""")
                {
                    Parameters = { new NpgsqlParameter<string[]>("names", sorted) },
                },
                ReadLockedCommand(sorted, withDocuments, newVersions ?? new Dictionary<string, string>()),
            },
        };
        var locked = new Dictionary<string, LockedTool>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(1);
            var hash = reader.IsDBNull(6) ? null : reader.GetString(6);
            var current = !withDocuments || hash is null ? null
                : reader.IsDBNull(7) ? served.Find(name)!.Document : SnapshotStore.ToolDocumentFromStored(reader.GetString(7));
            locked[name] = new LockedTool(reader.GetInt64(0), name, reader.GetString(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetDateTime(4), reader.GetInt32(5), hash, current)
            {
                NewVersionTaken = reader.GetBoolean(8),
            };
        }
        return locked;
    }

    /// <summary>
    /// Locks a tool as <paramref name="served"/> from the database, without a round trip of its own: its state, latest
    /// sequence number and current document are taken from the snapshot, and the statement that locks the tool and
    /// checks that the database still holds exactly that (and that <paramref name="newVersion"/> is free) goes out first
    /// in the round trip that stores and commits. When the check fails, that round trip fails with
    /// <see cref="NotAsServed"/> and nothing of it is written.
    /// </summary>
    public LockedTool LockAsServed(ServedTool served, string newVersion)
    {
        var (id, latestSeq) = served.Stored ?? throw new ArgumentException("the tool was not served from the database", nameof(served));
        // The statements of a PUT take one-element arrays, for which PostgreSQL otherwise plans each one on every call
        // (0.40 ms of a PUT's 0.9 ms there); their generic plans are index lookups. Imports plan for their real sizes.
        _pending.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
        _pending.Add(new NpgsqlBatchCommand("SELECT lock_tool_as_served(@tool, @fingerprint, @status, @enabled, @latest_seq, @new_version)")
        {
            Parameters =
            {
                new NpgsqlParameter<long>("tool", id),
                new NpgsqlParameter<string>("fingerprint", served.SourceFingerprint!),
                new NpgsqlParameter<string>("status", served.Status),
                new NpgsqlParameter<bool>("enabled", served.Enabled),
                new NpgsqlParameter<int>("latest_seq", latestSeq),
                new NpgsqlParameter<string>("new_version", newVersion),
            },
        });
        PendingResults++;
        return new LockedTool(id, served.Name, served.Status, served.Enabled, null, latestSeq, served.Document.ContentHash, served.Document);
    }

    /// <summary>The read of <see cref="LockAsync"/>, after the lock.</summary>
    private NpgsqlBatchCommand ReadLockedCommand(string[] sorted, bool withDocuments, IReadOnlyDictionary<string, string> newVersions)
    {
        // A single-tool write (withDocuments) compares If-Match with what a client could have read, and diffs from what
        // clients were served: the version the tool is served at, a pinned one included. Imports go by the current one.
        var sql = $"""
            SELECT t.id, t.name, t.status, t.enabled, t.deleted_at,
                   coalesce((SELECT max(v.seq) FROM tool_versions v WHERE v.tool_id = t.id), 0),
                   c.content_hash,
                   {(withDocuments ? $"CASE WHEN k.fingerprint = {SnapshotStore.FingerprintOf("c")} THEN NULL ELSE c.source::text END" : "NULL::text")},
                   EXISTS (SELECT 1 FROM tool_versions x JOIN unnest(@new_names::text[], @new_versions::text[]) AS n(name, version)
                           ON n.name = t.name AND n.version = x.version WHERE x.tool_id = t.id)
            FROM tools t LEFT JOIN {(withDocuments ? SnapshotStore.ServedVersionOfT + " c ON true" : "tool_versions c ON c.tool_id = t.id AND c.is_current")}
            LEFT JOIN unnest(@known_names::text[], @known_fingerprints::text[]) AS k(name, fingerprint) ON k.name = t.name
            WHERE t.name = ANY(@names)
            """;
        var known = withDocuments ? sorted.Select(served.Find).Where(t => t?.SourceFingerprint is not null).ToList() : [];
        return new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("names", sorted),
                new NpgsqlParameter<string[]>("known_names", known.Select(t => t!.Name).ToArray()),
                new NpgsqlParameter<string[]>("known_fingerprints", known.Select(t => t!.SourceFingerprint!).ToArray()),
                new NpgsqlParameter<string[]>("new_names", newVersions.Keys.ToArray()),
                new NpgsqlParameter<string[]>("new_versions", newVersions.Values.ToArray()),
            },
        };
    }

    /// <summary>
    /// Adds each version as its tool's new current one: the tool takes the version's status and enabled flag, serves
    /// the latest again (a pinned default version is cleared) and comes back if it was soft-deleted; each change is
    /// recorded with its audit diff against the version it replaces. Versions are immutable: a version string the
    /// tool already has is not added, and is returned.
    /// </summary>
    public async Task<IReadOnlySet<string>> AddVersionsAsync(IReadOnlyList<VersionToAdd> versions, CancellationToken cancellationToken)
    {
        var previous = versions.Where(v => v.Tool.Current is not null).ToDictionary(v => v.Tool.Id, v => v.Tool.Current!);
        var takenIds = await ToolVersionWriter.AddAsync(connection, transaction, NewVersions(versions), ReadPrevious(versions, previous),
            cancellationToken);
        var taken = versions.Where(v => takenIds.Contains(v.Tool.Id)).Select(v => v.Tool.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var version in versions.Where(v => !takenIds.Contains(v.Tool.Id)))
        {
            Record(version, previous.GetValueOrDefault(version.Tool.Id));
        }
        return taken;
    }

    /// <summary>
    /// Adds versions the caller found free under the lock (<see cref="LockedTool.NewVersionTaken"/>) to tools locked with
    /// their documents, without a round trip of their own: the statements of <see cref="AddVersionsAsync"/> go out with the
    /// change records and the commit. The tools' row locks keep the versions free until then.
    /// </summary>
    public void QueueVersions(IReadOnlyList<VersionToAdd> versions)
    {
        _pending.AddRange(ToolVersionWriter.StoreCommands(NewVersions(versions)));
        foreach (var version in versions)
        {
            Record(version, version.Tool.Current);
        }
    }

    /// <summary>The rows to store: each version becomes its tool's next sequence number.</summary>
    private List<NewToolVersion> NewVersions(IReadOnlyList<VersionToAdd> versions) =>
        versions.Select(v => new NewToolVersion(v.Tool.Id, v.Tool.MaxSeq + 1, v.Document, actor, v.Reason)).ToList();

    /// <summary>Queues the change (with its audit diff against <paramref name="before"/>) and the document its tool serves after the commit.</summary>
    private void Record(VersionToAdd version, ToolDocument? before)
    {
        var diff = before is null ? null : AuditDiff(before, version.Document);
        _changes.Add(new CatalogChange(version.Tool.Name, version.Document.Version, version.Action, actor, version.Reason, diff));
        _written[version.Tool.Name] = version.Document;
    }

    /// <summary>
    /// Reads the documents the new versions replace when the lock did not read them (for the audit diff), in the same
    /// round trip as the versions, before they are demoted; null when there is nothing to read.
    /// </summary>
    private static (NpgsqlBatchCommand, Func<NpgsqlDataReader, CancellationToken, Task>)? ReadPrevious(IReadOnlyList<VersionToAdd> versions,
        Dictionary<long, ToolDocument> previous)
    {
        var unread = versions.Where(v => v.Tool.Current is null && v.Tool.CurrentHash is not null).Select(v => v.Tool.Id).ToArray();
        if (unread.Length == 0)
        {
            return null;
        }
        var command = new NpgsqlBatchCommand("SELECT tool_id, source::text FROM tool_versions WHERE is_current AND tool_id = ANY(@ids)")
        {
            Parameters = { new NpgsqlParameter<long[]>("ids", unread) },
        };
        return (command, async (reader, ct) =>
        {
            while (await reader.ReadAsync(ct))
            {
                previous[reader.GetInt64(0)] = SnapshotStore.ToolDocumentFromStored(reader.GetString(1));
            }
        });
    }

    private static string AuditDiff(ToolDocument before, ToolDocument after)
    {
        var (changes, breaking) = ToolDiff.Compare(before.ToJsonObject(), after.ToJsonObject());
        return JsonSerializer.Serialize(new { from = before.Version, to = after.Version, changes, breaking }, AuditDiffJson);
    }
}
