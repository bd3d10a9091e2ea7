using Npgsql;
using NpgsqlTypes;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Writes;

/// <summary>A version about to be stored: the validated document and where it goes.</summary>
public sealed record NewToolVersion(long ToolId, int Seq, ToolDocument Document, string Actor, string? Reason);

/// <summary>
/// Stores new immutable versions set-wise, in one round trip whatever the count: the previous current versions are
/// demoted, then one statement inserts the versions, their capabilities and their patterns. Capabilities and patterns
/// are exploded by PostgreSQL from the documents as sent (parsed into jsonb once), so what is searchable is exactly
/// what was stored, and no stored (compressed, out-of-line) document is read back to do it.
/// </summary>
public static class ToolVersionWriter
{
    private const string InsertSql = """
        WITH v AS MATERIALIZED (
            SELECT u.tool_id, u.version, u.seq, u.doc AS source, u.doc::jsonb AS doc, u.hash, u.actor, u.reason
            FROM unnest(@tool_ids, @versions, @seqs, @docs, @hashes, @actors, @reasons) AS u(tool_id, version, seq, doc, hash, actor, reason)
        ),
        stored AS (
            INSERT INTO tool_versions (tool_id, version, seq, is_current, document, source, description, platform, category,
                                       tags, content_hash, created_by, change_reason)
            SELECT v.tool_id, v.version, v.seq, true, v.doc, v.source::json, v.doc->>'description', v.doc->>'platform', v.doc->>'category',
                   ARRAY(SELECT jsonb_array_elements_text(coalesce(v.doc->'metadata'->'tags', '[]'::jsonb))),
                   v.hash, v.actor, v.reason
            FROM v
            RETURNING id, tool_id
        ),
        stored_capabilities AS (
            INSERT INTO capabilities (tool_version_id, name, description)
            SELECT s.id, c.key, c.value->>'description'
            FROM stored s JOIN v ON v.tool_id = s.tool_id CROSS JOIN LATERAL jsonb_each(v.doc->'capabilities') AS c
            RETURNING id, tool_version_id, name
        )
        INSERT INTO patterns (capability_id, tool_version_id, name, description, use_cases, time_estimate_ms, cost_estimate,
                              complexity_score, scope, completeness, requires_approval, production_safe)
        SELECT cap.id, cap.tool_version_id, p.key, p.value->>'description',
               ARRAY(SELECT jsonb_array_elements_text(coalesce(p.value->'typical_use_cases', '[]'::jsonb))),
               p.value->>'time_estimate_ms', p.value->>'cost_estimate',
               (p.value->>'complexity_score')::numeric, p.value->>'scope', p.value->>'completeness',
               (p.value->'policy'->>'requires_approval')::boolean, (p.value->'policy'->>'production_safe')::boolean
        FROM stored_capabilities cap
        JOIN stored s ON s.id = cap.tool_version_id
        JOIN v ON v.tool_id = s.tool_id
        CROSS JOIN LATERAL jsonb_each(v.doc->'capabilities'->cap.name->'patterns') AS p
        """;

    public static async Task InsertCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<NewToolVersion> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE tool_versions SET is_current = false WHERE is_current AND tool_id = ANY(@ids)")
                {
                    Parameters = { new NpgsqlParameter<long[]>("ids", versions.Select(v => v.ToolId).ToArray()) },
                },
                new NpgsqlBatchCommand(InsertSql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long[]>("tool_ids", versions.Select(v => v.ToolId).ToArray()),
                        new NpgsqlParameter<string[]>("versions", versions.Select(v => v.Document.Version).ToArray()),
                        new NpgsqlParameter<int[]>("seqs", versions.Select(v => v.Seq).ToArray()),
                        new NpgsqlParameter<string[]>("docs", versions.Select(v => v.Document.CanonicalJson).ToArray()),
                        new NpgsqlParameter<string[]>("hashes", versions.Select(v => v.Document.ContentHash).ToArray()),
                        new NpgsqlParameter<string[]>("actors", versions.Select(v => v.Actor).ToArray()),
                        new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text)
                        {
                            Value = versions.Select(v => (object?)v.Reason ?? DBNull.Value).ToArray(),
                        },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
