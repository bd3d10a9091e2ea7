using Npgsql;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Snapshot;

/// <summary>The store's reads: stored rows (and the YAML fallback) made into served tools.</summary>
public sealed partial class SnapshotStore
{
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

    /// <summary>
    /// Current documents of live tools (all, or the named ones) and the revision they belong to. A tool whose served
    /// version row, state and last change match what <paramref name="known"/> serves is taken over as it is: PostgreSQL
    /// only sends (and this process only parses) the documents that differ, so a reload that changes nothing is cheap.
    /// The row's fingerprint is its id and xmin (the transaction that last wrote it), which any UPDATE changes, even one
    /// made with SQL behind the API's back; hashing every document instead cost more than the rest of the reload.
    /// </summary>
    private async Task<(long Revision, List<ServedTool> Tools)> ReadToolsAsync(string[]? names, CatalogSnapshot known, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(ReadToolsCommand(names, known));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadToolRowsAsync(reader, known, null, cancellationToken);
    }

    /// <summary>
    /// SQL for the version a tool <c>t</c> is served at (a pinned one, else the current one) with its id, xmin, source
    /// and content hash, to join under an alias: each branch is one index lookup. Reads serve it; a write that checks
    /// If-Match compares with it and records its audit diff from it.
    /// </summary>
    public const string ServedVersionOfT = """
        LATERAL (
            SELECT p.id, p.xmin, p.source, p.content_hash FROM tool_versions p WHERE p.tool_id = t.id AND p.version = t.default_version
            UNION ALL
            SELECT c.id, c.xmin, c.source, c.content_hash FROM tool_versions c WHERE c.tool_id = t.id AND c.is_current AND t.default_version IS NULL
        )
        """;

    /// <summary>
    /// SQL for the fingerprint of a version row under <paramref name="alias"/>: its id and xmin, which change whenever the
    /// row is written, so a replica that holds a tool's document at this fingerprint need not be sent it again. Migration
    /// 0011's <c>lock_tool_as_served</c> computes the same text.
    /// </summary>
    public static string FingerprintOf(string alias) => $"{alias}.id::text || ':' || {alias}.xmin::text";

    /// <summary>
    /// The statement of <see cref="ReadToolsAsync(string[], CatalogSnapshot, CancellationToken)"/>, for a writer to run in
    /// its own transaction and round trip (read its rows with <see cref="ReadToolRowsAsync"/>). <paramref name="written"/>:
    /// the documents the writer made current, by tool; a row serving one of them (same content hash) is not sent, the
    /// writer's document is served: a 10,000-tool import otherwise read back and parsed again all it had just stored.
    /// </summary>
    public static NpgsqlBatchCommand ReadToolsCommand(string[]? names, CatalogSnapshot known, IReadOnlyDictionary<string, ToolDocument>? written = null)
    {
        // One statement: the revision and the rows come from one snapshot (so the revision describes exactly these rows)
        // in one round trip. Every round trip waits for a CPU on a busy host, and this read is on the path of every
        // change reaching a replica. The outer join keeps the revision row when no tool matches (a deleted tool).
        // A read of named tools and a read of all are two statements, each with a plan of its own: one statement with
        // "names IS NULL OR name = ANY(names)" got a generic plan that scanned every tool, 1.4 ms per write at 10,229.
        // The served version is found by index whichever it is (pinned, else current): looking it up by a version string
        // computed in the join scanned every version of the tool, 1 ms for a tool with a few hundred.
        var sql = $"""
            SELECT s.revision, r.name, r.fingerprint, r.source, r.status, r.enabled, r.updated_at, r.change_revision, r.content_hash,
                   r.id, r.latest_seq
            FROM (SELECT revision FROM catalog_state) s
            LEFT JOIN LATERAL (
                SELECT t.name, f.fingerprint,
                       CASE WHEN k.fingerprint = f.fingerprint OR w.hash = v.content_hash THEN NULL ELSE v.source::text END AS source,
                       t.status, t.enabled, t.updated_at,
                       coalesce((SELECT max(c.revision) FROM catalog_changes c WHERE c.tool_name = t.name), 0) AS change_revision,
                       v.content_hash, t.id, (SELECT max(m.seq) FROM tool_versions m WHERE m.tool_id = t.id) AS latest_seq
                FROM tools t CROSS JOIN {ServedVersionOfT} v
                CROSS JOIN LATERAL (SELECT {FingerprintOf("v")} AS fingerprint) f
                LEFT JOIN unnest(@known_names::text[], @known_fingerprints::text[]) AS k(name, fingerprint) ON k.name = t.name
                LEFT JOIN unnest(@written_names::text[], @written_hashes::text[]) AS w(name, hash) ON w.name = t.name
                WHERE t.deleted_at IS NULL{(names is null ? "" : " AND t.name = ANY(@names)")}
            ) r ON true
            """;
        var reusable = (names is null ? known.Ordered : names.Select(known.Find).OfType<ServedTool>())
            .Where(t => t.SourceFingerprint is not null).ToList();
        var command = new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("known_names", reusable.Select(t => t.Name).ToArray()),
                new NpgsqlParameter<string[]>("known_fingerprints", reusable.Select(t => t.SourceFingerprint!).ToArray()),
                new NpgsqlParameter<string[]>("written_names", written?.Keys.ToArray() ?? []),
                new NpgsqlParameter<string[]>("written_hashes", written?.Values.Select(d => d.ContentHash).ToArray() ?? []),
            },
        };
        if (names is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
        }
        return command;
    }

    /// <summary>The rows of <see cref="ReadToolsCommand"/>, from a reader positioned on them.</summary>
    public static async Task<(long Revision, List<ServedTool> Tools)> ReadToolRowsAsync(NpgsqlDataReader reader, CatalogSnapshot known,
        IReadOnlyDictionary<string, ToolDocument>? written, CancellationToken cancellationToken)
    {
        long revision = 0;
        var tools = new List<ServedTool>();
        while (await reader.ReadAsync(cancellationToken))
        {
            revision = reader.GetInt64(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }
            tools.Add(ServedFromRow(reader, known, written));
        }
        return (revision, tools);
    }

    /// <summary>
    /// One row of <see cref="ReadToolRowsAsync"/> as a served tool, reusing what <paramref name="known"/> already serves
    /// and the documents a writer <paramref name="written"/>.
    /// </summary>
    private static ServedTool ServedFromRow(NpgsqlDataReader reader, CatalogSnapshot known, IReadOnlyDictionary<string, ToolDocument>? written)
    {
        var name = reader.GetString(1);
        var status = reader.GetString(4);
        var enabled = reader.GetBoolean(5);
        var updatedAt = reader.GetDateTime(6);
        var changeRevision = reader.GetInt64(7);
        var stored = (reader.GetInt64(9), reader.GetInt32(10));
        var previous = known.Find(name);
        var source = reader.IsDBNull(3) ? null : reader.GetString(3);
        // A null source is a document the writer holds (same content hash), or else the row served now: then keep its
        // parsed document, and the whole entry (with its serialized bytes) when nothing else changed either.
        var writtenDocument = source is null && written?.GetValueOrDefault(name) is { } document && document.ContentHash == reader.GetString(8)
            ? document : null;
        var sameRow = source is null && writtenDocument is null && previous is not null;
        if (sameRow && previous!.Status == status && previous.Enabled == enabled && previous.UpdatedAt == updatedAt && previous.ChangeRevision == changeRevision
            && previous.Stored == stored)
        {
            return previous;
        }
        return new ServedTool
        {
            Document = writtenDocument ?? (sameRow ? previous!.Document : ToolDocumentFromStored(source!)),
            Status = status,
            Enabled = enabled,
            UpdatedAt = updatedAt,
            ChangeRevision = changeRevision,
            SourceFingerprint = reader.GetString(2),
            Stored = stored,
        };
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
            UpdatedAt = time.GetUtcNow().UtcDateTime,
            ChangeRevision = 0,
        });
        return new CatalogSnapshot(tools, 0, SnapshotSource.Files, time.GetUtcNow());
    }

    /// <summary>Stored documents were validated on the way in; rebuilding the typed view needs no second validation.</summary>
    internal static ToolDocument ToolDocumentFromStored(string json) =>
        ToolDocument.FromValidated((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(json)!);
}
