using Npgsql;
using NpgsqlTypes;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Writes;

/// <summary>A version about to be stored: the validated document and where it goes.</summary>
public sealed record NewToolVersion(long ToolId, int Seq, ToolDocument Document, string Actor, string? Reason);

/// <summary>
/// Stores new immutable versions set-wise: one statement for the versions, one for their capabilities, one for their
/// patterns, whatever the count. Capabilities and patterns are exploded from the stored JSONB by PostgreSQL itself,
/// so what is searchable is exactly what was stored.
/// </summary>
public static class ToolVersionWriter
{
    public static async Task<IReadOnlyList<long>> InsertCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<NewToolVersion> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return [];
        }

        await using (var demote = new NpgsqlCommand(
            "UPDATE tool_versions SET is_current = false WHERE is_current AND tool_id = ANY(@ids)", connection, transaction))
        {
            demote.Parameters.Add(new NpgsqlParameter<long[]>("ids", versions.Select(v => v.ToolId).ToArray()));
            await demote.ExecuteNonQueryAsync(cancellationToken);
        }

        // Each document is parsed into jsonb once (the materialized CTE keeps PostgreSQL from repeating the cast for
        // every column it feeds); the text itself is stored as given in source.
        const string insertVersions = """
            WITH v AS MATERIALIZED (
                SELECT u.tool_id, u.version, u.seq, u.doc AS source, u.doc::jsonb AS doc, u.hash, u.actor, u.reason
                FROM unnest(@tool_ids, @versions, @seqs, @docs, @hashes, @actors, @reasons) AS u(tool_id, version, seq, doc, hash, actor, reason)
            )
            INSERT INTO tool_versions (tool_id, version, seq, is_current, document, source, description, platform, category,
                                       tags, content_hash, created_by, change_reason)
            SELECT v.tool_id, v.version, v.seq, true, v.doc, v.source::json, v.doc->>'description', v.doc->>'platform', v.doc->>'category',
                   ARRAY(SELECT jsonb_array_elements_text(coalesce(v.doc->'metadata'->'tags', '[]'::jsonb))),
                   v.hash, v.actor, v.reason
            FROM v
            RETURNING id
            """;
        var ids = new List<long>(versions.Count);
        await using (var insert = new NpgsqlCommand(insertVersions, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long[]>("tool_ids", versions.Select(v => v.ToolId).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("versions", versions.Select(v => v.Document.Version).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<int[]>("seqs", versions.Select(v => v.Seq).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("docs", versions.Select(v => v.Document.CanonicalJson).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", versions.Select(v => v.Document.ContentHash).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("actors", versions.Select(v => v.Actor).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = versions.Select(v => (object?)v.Reason ?? DBNull.Value).ToArray(),
            });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        // Capabilities first, then their patterns (the second statement reads the rows the first inserted): one round
        // trip as a batch.
        var idArray = ids.ToArray();
        await using (var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO capabilities (tool_version_id, name, description)
                    SELECT v.id, c.key, c.value->>'description'
                    FROM tool_versions v CROSS JOIN LATERAL jsonb_each(v.document->'capabilities') AS c
                    WHERE v.id = ANY(@ids)
                    """)
                {
                    Parameters = { new NpgsqlParameter<long[]>("ids", idArray) },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO patterns (capability_id, tool_version_id, name, description, use_cases, time_estimate_ms, cost_estimate,
                                          complexity_score, scope, completeness, requires_approval, production_safe)
                    SELECT cap.id, cap.tool_version_id, p.key, p.value->>'description',
                           ARRAY(SELECT jsonb_array_elements_text(coalesce(p.value->'typical_use_cases', '[]'::jsonb))),
                           p.value->>'time_estimate_ms', p.value->>'cost_estimate',
                           (p.value->>'complexity_score')::numeric, p.value->>'scope', p.value->>'completeness',
                           (p.value->'policy'->>'requires_approval')::boolean, (p.value->'policy'->>'production_safe')::boolean
                    FROM capabilities cap
                    JOIN tool_versions v ON v.id = cap.tool_version_id
                    CROSS JOIN LATERAL jsonb_each(v.document->'capabilities'->cap.name->'patterns') AS p
                    WHERE cap.tool_version_id = ANY(@ids)
                    """)
                {
                    Parameters = { new NpgsqlParameter<long[]>("ids", idArray) },
                },
            },
        })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        return ids;
    }
}
