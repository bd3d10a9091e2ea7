using Npgsql;
using NpgsqlTypes;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Writes;

/// <summary>A version about to be stored: the validated document and where it goes (<see cref="Seq"/> 1 for a new tool).</summary>
public sealed record NewToolVersion(long ToolId, int Seq, ToolDocument Document, string Actor, string? Reason);

/// <summary>
/// Stores new immutable versions set-wise and makes each its tool's current one, in one round trip whatever the count:
/// one batch that finds the versions a tool already has (those are not added, and are returned), demotes the current
/// versions, inserts the new ones, and gives the tools their new versions' state. Every statement after the first skips
/// the taken versions by itself, so nothing waits for the client in between; the caller holds the tools' row locks, so
/// nothing changes between the statements. The columns lists and statistics use (description, platform, tags, counts
/// of capabilities and patterns) come from the documents as sent, parsed into jsonb once.
/// </summary>
public static class ToolVersionWriter
{
    // A version of (tool_id, version) already stored: every statement below checks this, so a taken one changes nothing.
    private const string Taken = "EXISTS (SELECT 1 FROM tool_versions x WHERE x.tool_id = u.tool_id AND x.version = u.version)";

    /// <summary>
    /// Adds the versions; returns the tool ids whose version string was already taken (nothing was added for them).
    /// <paramref name="readBefore"/>, when given, runs first in the same round trip (e.g. a read of the versions about
    /// to be replaced) and gets the reader positioned on its results.
    /// </summary>
    public static async Task<HashSet<long>> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewToolVersion> versions,
        (NpgsqlBatchCommand Command, Func<NpgsqlDataReader, CancellationToken, Task> Read)? readBefore, CancellationToken cancellationToken)
    {
        var taken = new HashSet<long>();
        if (versions.Count == 0)
        {
            return taken;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (readBefore is { } before)
        {
            batch.BatchCommands.Add(before.Command);
        }
        var toolIds = versions.Select(v => v.ToolId).ToArray();
        var strings = versions.Select(v => v.Document.Version).ToArray();
        var seqs = versions.Select(v => v.Seq).ToArray();
        batch.BatchCommands.Add(Command($"SELECT u.tool_id FROM unnest(@tool_ids, @versions) AS u(tool_id, version) WHERE {Taken}", toolIds, strings, seqs));
        foreach (var command in StoreCommands(versions))
        {
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (readBefore is { } read)
        {
            await read.Read(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
        }
        while (await reader.ReadAsync(cancellationToken))
        {
            taken.Add(reader.GetInt64(0));
        }
        // The statements after the taken-versions query return no rows; draining surfaces any of their errors here.
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        return taken;
    }

    /// <summary>
    /// The statements that store the versions and make each its tool's current one (demote, insert, the tools' new
    /// state), none returning rows; each skips a version its tool already has.
    /// </summary>
    public static NpgsqlBatchCommand[] StoreCommands(IReadOnlyList<NewToolVersion> versions)
    {
        var toolIds = versions.Select(v => v.ToolId).ToArray();
        var strings = versions.Select(v => v.Document.Version).ToArray();
        var seqs = versions.Select(v => v.Seq).ToArray();
        return
        [
            Command($"""
                UPDATE tool_versions c SET is_current = false FROM unnest(@tool_ids, @versions) AS u(tool_id, version)
                WHERE c.is_current AND c.tool_id = u.tool_id AND NOT {Taken}
                """, toolIds, strings, seqs),
            InsertVersions(versions, toolIds, strings, seqs),
            UpdateTools(versions, seqs),
        ];
    }

    private static NpgsqlBatchCommand InsertVersions(IReadOnlyList<NewToolVersion> versions, long[] toolIds, string[] strings, int[] seqs)
    {
        var insert = Command($"""
            WITH v AS MATERIALIZED (
                SELECT u.tool_id, u.version, u.seq, u.doc AS source, u.doc::jsonb AS doc, u.hash, u.actor, u.reason
                FROM unnest(@tool_ids, @versions, @seqs, @docs, @hashes, @actors, @reasons) AS u(tool_id, version, seq, doc, hash, actor, reason)
                WHERE NOT {Taken}
            )
            INSERT INTO tool_versions (tool_id, version, seq, is_current, document, source, description, platform, category,
                                       tags, content_hash, created_by, change_reason, capability_count, pattern_count)
            SELECT v.tool_id, v.version, v.seq, true, v.doc, v.source::json, v.doc->>'description', v.doc->>'platform', v.doc->>'category',
                   ARRAY(SELECT jsonb_array_elements_text(coalesce(v.doc->'metadata'->'tags', '[]'::jsonb))),
                   v.hash, v.actor, v.reason,
                   (SELECT count(*) FROM jsonb_object_keys(v.doc->'capabilities')),
                   (SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(c.value->'patterns'))), 0)
                    FROM jsonb_each(v.doc->'capabilities') AS c)
            FROM v
            """, toolIds, strings, seqs);
        insert.Parameters.Add(new NpgsqlParameter<string[]>("docs", versions.Select(v => v.Document.CanonicalJson).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", versions.Select(v => v.Document.ContentHash).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("actors", versions.Select(v => v.Actor).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = versions.Select(v => (object?)v.Reason ?? DBNull.Value).ToArray(),
        });
        return insert;
    }

    /// <summary>
    /// The tools take their new version's status and enabled flag, serve the latest again (a pinned default version is
    /// cleared) and come back if soft-deleted. A tool created in this transaction (seq 1) already has its version's state.
    /// </summary>
    private static NpgsqlBatchCommand UpdateTools(IReadOnlyList<NewToolVersion> versions, int[] seqs)
    {
        var replacing = Enumerable.Range(0, versions.Count).Where(i => seqs[i] > 1).ToList();
        var update = new NpgsqlBatchCommand("""
            UPDATE tools t SET status = u.status, enabled = u.enabled, default_version = NULL, deleted_at = NULL, updated_at = now()
            FROM unnest(@ids, @new_seqs, @statuses, @enabled) AS u(id, seq, status, enabled)
            WHERE t.id = u.id AND EXISTS (SELECT 1 FROM tool_versions v WHERE v.tool_id = u.id AND v.seq = u.seq)
            """);
        update.Parameters.Add(new NpgsqlParameter<long[]>("ids", replacing.Select(i => versions[i].ToolId).ToArray()));
        update.Parameters.Add(new NpgsqlParameter<int[]>("new_seqs", replacing.Select(i => seqs[i]).ToArray()));
        update.Parameters.Add(new NpgsqlParameter<string[]>("statuses", replacing.Select(i => versions[i].Document.Status).ToArray()));
        update.Parameters.Add(new NpgsqlParameter<bool[]>("enabled", replacing.Select(i => versions[i].Document.Enabled).ToArray()));
        return update;
    }

    private static NpgsqlBatchCommand Command(string sql, long[] toolIds, string[] versions, int[] seqs)
    {
        var command = new NpgsqlBatchCommand(sql);
        // Each statement names only the parameters it uses; unused ones would make PostgreSQL fail to infer their types.
        if (sql.Contains("@tool_ids", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]>("tool_ids", toolIds));
        }
        if (sql.Contains("@versions", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("versions", versions));
        }
        if (sql.Contains("@seqs", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<int[]>("seqs", seqs));
        }
        return command;
    }
}
