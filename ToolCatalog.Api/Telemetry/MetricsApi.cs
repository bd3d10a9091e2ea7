using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Reload;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Sync;

namespace ToolCatalog.Api.Telemetry;

public sealed record CacheRatios(long L1Hits, long L2Hits, long Misses, double L1HitRatio, double L2HitRatio, double HitRatio, long L1Entries, long L1Bytes);

public sealed record MetricsSummary(double UptimeSeconds, long Requests, long ServerErrors, WindowSummary LastMinute, WindowSummary LastFiveMinutes,
    CacheRatios Cache, long ToolsLoaded, long Revision, ReloadStatistics? Reloads, string Instance);

public sealed record PerformanceStats(double? DatabaseCacheHitRatio, IReadOnlyList<JsonElement> TopStatements, string? TopStatementsNote,
    IReadOnlyList<JsonElement> IndexUsage, PoolStats Pool, CacheRatios Cache, IReadOnlyDictionary<string, string> QueryPlans);

public sealed record PoolStats(int Total, int Idle, int Busy);

/// <summary>JSON views for people and scripts: a metrics summary and database/cache performance details.</summary>
public static class MetricsApi
{
    public static RouteGroupBuilder MapMetricsApi(this RouteGroupBuilder api, EndpointAccess? performanceStats)
    {
        api.MapGet("/metrics", Summary).WithName("GetMetricsSummary")
            .WithSummary("Uptime, requests, error rate, sliding-window latency percentiles, cache hit ratios, reloads").WithTags("Operations");
        // Query plans and database statistics describe the deployment: protected outside Development unless configured.
        EndpointExposure.Expose(performanceStats, () => api.MapGet("/performance/stats", Performance).WithName("GetPerformanceStats")
            .WithSummary("Database cache hit ratio, top statements, index usage, pool, L1 size, plans of the hot queries").WithTags("Operations"));
        return api;
    }

    public static async Task<Ok<MetricsSummary>> Summary(RequestWindow window, CatalogCache cache, SnapshotStore snapshots, ReloadHistory reloads,
        ReplicaSync sync, DatabaseStatus database, TimeProvider time, CancellationToken cancellationToken)
    {
        ReloadStatistics? reloadStats = null;
        if (database.IsReachable)
        {
            try
            {
                reloadStats = await reloads.StatisticsAsync(cancellationToken);
            }
            catch (NpgsqlException)
            {
                // The summary must answer while the database is away; reload figures are then left out.
            }
        }
        return TypedResults.Ok(new MetricsSummary(
            Math.Round((time.GetUtcNow() - window.StartedAt).TotalSeconds, 1), window.Total, window.Errors,
            window.Summarize(TimeSpan.FromMinutes(1)), window.Summarize(TimeSpan.FromMinutes(5)), Ratios(cache),
            snapshots.Current.Count, snapshots.Current.Revision, reloadStats, sync.InstanceId));
    }

    /// <summary>
    /// Diagnostics, not a hot path: computed at most once every five seconds per replica (it runs EXPLAINs and reads
    /// pg_stat views), so a monitor or a load test polling it cannot load the database.
    /// </summary>
    public static async Task<Ok<PerformanceStats>> Performance(NpgsqlDataSource db, CatalogCache cache, RecentPerformance recent,
        CancellationToken cancellationToken)
    {
        var stats = await recent.GetAsync(ct => ComputePerformanceAsync(db, cache, ct), cancellationToken);
        return TypedResults.Ok(stats with { Cache = Ratios(cache) });
    }

    private static async Task<PerformanceStats> ComputePerformanceAsync(NpgsqlDataSource db, CatalogCache cache, CancellationToken cancellationToken)
    {
        var hitRatio = await ScalarAsync<double?>(db, """
            SELECT round(sum(blks_hit)::numeric / nullif(sum(blks_hit) + sum(blks_read), 0), 4)::float8
            FROM pg_stat_database WHERE datname = current_database()
            """, cancellationToken);
        List<JsonElement> statements = [];
        string? note = null;
        // Asked first rather than caught: the view is missing on most installations, and a failing query every few
        // seconds fills the server log with errors.
        var statementsAvailable = await ScalarAsync<bool>(db, """
            SELECT to_regclass('pg_stat_statements') IS NOT NULL
               AND current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%'
            """, cancellationToken);
        if (statementsAvailable)
        {
            statements = await JsonRowsAsync(db, """
                SELECT left(query, 200) AS query, calls, round(total_exec_time::numeric, 2) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows
                FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC LIMIT 10
                """, cancellationToken);
        }
        else
        {
            note = "pg_stat_statements is not available (add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements)";
        }
        var indexes = await JsonRowsAsync(db, """
            SELECT relname AS table, indexrelname AS index, idx_scan AS scans, idx_tup_read AS tuples_read
            FROM pg_stat_user_indexes WHERE relname IN ('tools', 'tool_versions', 'capabilities', 'patterns', 'catalog_changes', 'audit_log')
            ORDER BY idx_scan DESC
            """, cancellationToken);
        var plans = new Dictionary<string, string>
        {
            ["list_by_platform_category"] = await PlanAsync(db, """
                SELECT t.name FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
                WHERE v.platform = 'linux' AND v.category = 'system' AND t.deleted_at IS NULL
                """, cancellationToken),
            ["changes_since"] = await PlanAsync(db, "SELECT * FROM catalog_changes WHERE revision > 100 ORDER BY revision LIMIT 1000", cancellationToken),
        };
        // Per-replica pool figures are in the Npgsql meter (/metrics); here: every connection to this database, by state.
        var connections = await JsonRowsAsync(db, """
            SELECT count(*) AS total, count(*) FILTER (WHERE state = 'idle') AS idle, count(*) FILTER (WHERE state <> 'idle') AS busy
            FROM pg_stat_activity WHERE datname = current_database()
            """, cancellationToken);
        var c = connections[0];
        var pool = new PoolStats(c.GetProperty("total").GetInt32(), c.GetProperty("idle").GetInt32(), c.GetProperty("busy").GetInt32());
        return new PerformanceStats(hitRatio, statements, note, indexes, pool, Ratios(cache), plans);
    }

    private static CacheRatios Ratios(CatalogCache cache)
    {
        var (l1, l2, misses) = cache.Totals;
        var total = Math.Max(1, l1 + l2 + misses);
        var (entries, bytes) = cache.L1Size;
        return new CacheRatios(l1, l2, misses, Math.Round((double)l1 / total, 4), Math.Round((double)l2 / total, 4),
            Math.Round((double)(l1 + l2) / total, 4), entries, bytes);
    }

    private static async Task<string> PlanAsync(NpgsqlDataSource db, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("EXPLAIN " + sql);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync(cancellationToken) is T value ? value : default;
    }

    private static async Task<List<JsonElement>> JsonRowsAsync(NpgsqlDataSource db, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand($"SELECT coalesce(json_agg(r), '[]')::text FROM ({sql}) r");
        var json = (string)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        return JsonSerializer.Deserialize<List<JsonElement>>(json) ?? [];
    }
}

/// <summary>The last performance stats of this replica and when they were computed (kept five seconds).</summary>
public sealed class RecentPerformance(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, PerformanceStats Stats)? _last;

    public async Task<PerformanceStats> GetAsync(Func<CancellationToken, Task<PerformanceStats>> compute, CancellationToken cancellationToken)
    {
        if (_last is { } recent && time.GetUtcNow() - recent.At < Lifetime)
        {
            return recent.Stats;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } fresh && time.GetUtcNow() - fresh.At < Lifetime)
            {
                return fresh.Stats;
            }
            var stats = await compute(cancellationToken);
            _last = (time.GetUtcNow(), stats);
            return stats;
        }
        finally
        {
            _gate.Release();
        }
    }
}
