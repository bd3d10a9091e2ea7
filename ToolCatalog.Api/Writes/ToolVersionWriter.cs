using System.Text.Json;
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
/// nothing changes between the statements. The columns statistics use (platform, category, counts of capabilities and
/// patterns) come from the validated documents, so PostgreSQL only checks that each stored source is JSON.
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
            INSERT INTO tool_versions (tool_id, version, seq, is_current, source, description, platform, category, tags,
                                       content_hash, created_by, change_reason, capability_count, pattern_count)
            SELECT u.tool_id, u.version, u.seq, true, u.source::json, u.description, u.platform, u.category,
                   ARRAY(SELECT json_array_elements_text(u.tags::json)), u.hash, u.actor, u.reason, u.capabilities, u.patterns
            FROM unnest(@tool_ids, @versions, @seqs, @sources, @descriptions, @platforms, @categories, @tags, @hashes, @actors, @reasons,
                        @capabilities, @patterns)
                 AS u(tool_id, version, seq, source, description, platform, category, tags, hash, actor, reason, capabilities, patterns)
            WHERE NOT {Taken}
            """, toolIds, strings, seqs);
        var documents = versions.Select(v => v.Document).ToList();
        insert.Parameters.Add(new NpgsqlParameter<string[]>("sources", documents.Select(d => d.CanonicalJson).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("descriptions", documents.Select(d => d.Description).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("platforms", documents.Select(d => d.Platform).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("categories", documents.Select(d => d.Category).ToArray()));
        // One row's tags as a JSON array: unnest flattens a two-dimensional array, and tags are text of any content.
        insert.Parameters.Add(new NpgsqlParameter<string[]>("tags", documents.Select(d => JsonSerializer.Serialize(d.Tags)).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", documents.Select(d => d.ContentHash).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("actors", versions.Select(v => v.Actor).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = versions.Select(v => (object?)v.Reason ?? DBNull.Value).ToArray(),
        });
        insert.Parameters.Add(new NpgsqlParameter<int[]>("capabilities", documents.Select(d => d.Capabilities.Count).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<int[]>("patterns", documents.Select(d => d.Capabilities.Sum(c => c.Patterns.Count)).ToArray()));
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
            WHERE t.id = ANY(@ids) AND t.id = u.id AND EXISTS (SELECT 1 FROM tool_versions v WHERE v.tool_id = u.id AND v.seq = u.seq)
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
