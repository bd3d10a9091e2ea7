using Npgsql;
using NpgsqlTypes;

namespace ToolCatalog.Api.Writes;

/// <summary>One committed change to one tool, as the change feed and the audit log record it.</summary>
public sealed record CatalogChange(string ToolName, string? Version, string Action, string Actor, string? Reason, string? DiffJson = null);

/// <summary>
/// Gives each change its catalog revision and records it in the change feed and the audit log, inside the writer's
/// transaction. The revision row's lock serialises writers, so revisions appear in commit order.
/// </summary>
public static class ChangeLog
{
    /// <summary>Returns the catalog revision after the changes (unchanged when there are none).</summary>
    public static async Task<long> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<CatalogChange> changes, CancellationToken cancellationToken)
    {
        await using var bump = new NpgsqlCommand(
            "UPDATE catalog_state SET revision = revision + @n RETURNING revision", connection, transaction);
        bump.Parameters.Add(new NpgsqlParameter<long>("n", changes.Count));
        var last = (long)(await bump.ExecuteScalarAsync(cancellationToken))!;
        if (changes.Count == 0)
        {
            return last;
        }
        var first = last - changes.Count + 1;

        // One round trip, two statements, as a batch: each statement is its own protocol message, nothing is split by
        // parsing semicolons out of SQL text.
        var revisions = Enumerable.Range(0, changes.Count).Select(i => first + i).ToArray();
        var tools = changes.Select(c => c.ToolName).ToArray();
        var actions = changes.Select(c => c.Action).ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO catalog_changes (revision, tool_name, version, action)
                    SELECT r, t, v, a FROM unnest(@revisions, @tools, @versions, @actions) AS c(r, t, v, a)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long[]>("revisions", revisions),
                        new NpgsqlParameter<string[]>("tools", tools),
                        NullableTextArray("versions", changes.Select(c => c.Version)),
                        new NpgsqlParameter<string[]>("actions", actions),
                    },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO audit_log (revision, actor, action, tool_name, version, reason, diff)
                    SELECT r, actor, a, t, v, reason, diff::jsonb
                    FROM unnest(@revisions, @actors, @actions, @tools, @versions, @reasons, @diffs) AS c(r, actor, a, t, v, reason, diff)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long[]>("revisions", revisions),
                        new NpgsqlParameter<string[]>("actors", changes.Select(c => c.Actor).ToArray()),
                        new NpgsqlParameter<string[]>("actions", actions),
                        new NpgsqlParameter<string[]>("tools", tools),
                        NullableTextArray("versions", changes.Select(c => c.Version)),
                        NullableTextArray("reasons", changes.Select(c => c.Reason)),
                        NullableTextArray("diffs", changes.Select(c => c.DiffJson)),
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return last;
    }

    private static NpgsqlParameter NullableTextArray(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };
}
