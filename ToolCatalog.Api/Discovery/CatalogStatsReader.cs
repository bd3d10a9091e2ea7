using Npgsql;

namespace ToolCatalog.Api.Discovery;

/// <summary>
/// The counts of <c>/stats</c>, read from PostgreSQL when asked and kept until this replica serves a newer revision:
/// writes cost nothing (a refreshed view cost every write burst 7-14 ms of PostgreSQL time), and callers at one
/// revision share one read. The counts include what the snapshot does not hold (deleted tools, every version stored).
/// </summary>
public sealed class CatalogStatsReader(NpgsqlDataSource db, IHostApplicationLifetime lifetime)
{
    // One statement, so the counts and the revision they reflect come from one snapshot of the database.
    private const string CountsSql = """
        SELECT dimension, key, tools FROM (
        SELECT 'platform' AS dimension, v.platform AS key, count(*) AS tools
        FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
        WHERE t.deleted_at IS NULL GROUP BY v.platform
        UNION ALL
        SELECT 'category', v.category, count(*)
        FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
        WHERE t.deleted_at IS NULL GROUP BY v.category
        UNION ALL
        SELECT 'status', t.status, count(*) FROM tools t WHERE t.deleted_at IS NULL GROUP BY t.status
        UNION ALL
        SELECT 'enabled', t.enabled::text, count(*) FROM tools t WHERE t.deleted_at IS NULL GROUP BY t.enabled
        UNION ALL
        SELECT 'totals', 'tools', count(*) FROM tools t WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT 'totals', 'deleted_tools', count(*) FROM tools t WHERE t.deleted_at IS NOT NULL
        UNION ALL
        SELECT 'totals', 'versions', count(*) FROM tool_versions
        UNION ALL
        SELECT 'totals', 'capabilities', coalesce(sum(v.capability_count), 0)
        FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT 'totals', 'patterns', coalesce(sum(v.pattern_count), 0)
        FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT 'as_of', 'revision', revision FROM catalog_state
        ) counts ORDER BY dimension, key
        """;

    private readonly Lock _gate = new();
    private Reading? _latest;

    private sealed record Reading(long ServedRevision, Lazy<Task<CatalogStats>> Counts);

    /// <summary>
    /// The counts as of at least <paramref name="servedRevision"/>. A failed read is not kept: the next caller reads
    /// again. The shared read is not cancelled when one caller goes away (only when the service stops); each caller
    /// stops waiting on its own token.
    /// </summary>
    public Task<CatalogStats> ReadAsync(long servedRevision, CancellationToken cancellationToken)
    {
        Reading reading;
        lock (_gate)
        {
            if (_latest is null || _latest.ServedRevision < servedRevision || Failed(_latest))
            {
                _latest = new Reading(servedRevision, new Lazy<Task<CatalogStats>>(() => CountAsync(lifetime.ApplicationStopping)));
            }
            reading = _latest;
        }
        return reading.Counts.Value.WaitAsync(cancellationToken);
    }

    private static bool Failed(Reading reading) =>
        reading.Counts.IsValueCreated && (reading.Counts.Value.IsFaulted || reading.Counts.Value.IsCanceled);

    private async Task<CatalogStats> CountAsync(CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand(CountsSql);
        var counts = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        long revision = 0;
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var dimension = reader.GetString(0);
            if (dimension == "as_of")
            {
                revision = reader.GetInt64(2);
                continue;
            }
            if (!counts.TryGetValue(dimension, out var map))
            {
                counts[dimension] = map = new Dictionary<string, long>(StringComparer.Ordinal);
            }
            map[reader.GetString(1)] = reader.GetInt64(2);
        }
        return new CatalogStats(counts.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, long>)p.Value, StringComparer.Ordinal), revision);
    }
}
