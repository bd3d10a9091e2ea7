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
    /// <summary>
    /// Adds the statements that record <paramref name="changes"/> (at least one) to <paramref name="batch"/>, so they go
    /// in the round trip of whatever else the batch holds. The first returns one row: the catalog revision after the
    /// changes (read it with <see cref="ReadRevisionAsync"/>); the second returns none.
    /// </summary>
    public static void AddTo(NpgsqlBatch batch, IReadOnlyList<CatalogChange> changes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(changes.Count);
        // The changes take the revisions revision+1 .. revision+n in order (ordinality counts from 1).
        var count = new NpgsqlParameter<long>("n", changes.Count);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            WITH bump AS (UPDATE catalog_state SET revision = revision + @n RETURNING revision),
                 recorded AS (
                     INSERT INTO catalog_changes (revision, tool_name, version, action)
                     SELECT bump.revision - @n + c.i, c.t, c.v, c.a
                     FROM bump, unnest(@tools, @versions, @actions) WITH ORDINALITY AS c(t, v, a, i))
            SELECT revision FROM bump
            """)
        {
            Parameters =
            {
                count,
                new NpgsqlParameter<string[]>("tools", changes.Select(c => c.ToolName).ToArray()),
                NullableTextArray("versions", changes.Select(c => c.Version)),
                new NpgsqlParameter<string[]>("actions", changes.Select(c => c.Action).ToArray()),
            },
        });
        // A later statement of the same transaction: it sees the bumped revision row.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO audit_log (revision, actor, action, tool_name, version, reason, diff)
            SELECT s.revision - @n + c.i, c.actor, c.a, c.t, c.v, c.reason, c.diff::jsonb
            FROM catalog_state s,
                 unnest(@actors, @actions, @tools, @versions, @reasons, @diffs) WITH ORDINALITY AS c(actor, a, t, v, reason, diff, i)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<long>("n", changes.Count),
                new NpgsqlParameter<string[]>("actors", changes.Select(c => c.Actor).ToArray()),
                new NpgsqlParameter<string[]>("actions", changes.Select(c => c.Action).ToArray()),
                new NpgsqlParameter<string[]>("tools", changes.Select(c => c.ToolName).ToArray()),
                NullableTextArray("versions", changes.Select(c => c.Version)),
                NullableTextArray("reasons", changes.Select(c => c.Reason)),
                NullableTextArray("diffs", changes.Select(c => c.DiffJson)),
            },
        });
    }

    /// <summary>The revision after the changes, from a reader positioned on the first statement <see cref="AddTo"/> added.</summary>
    public static async Task<long> ReadRevisionAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The catalog_state row is missing.");
        }
        return reader.GetInt64(0);
    }

    private static NpgsqlParameter NullableTextArray(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };
}
