using Npgsql;

namespace ToolCatalog.Api.Data;

/// <summary>Refreshes the statistics view after a committed change; readers keep the old rows meanwhile.</summary>
public static class StatsRefresher
{
    public static async Task RefreshAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("REFRESH MATERIALIZED VIEW CONCURRENTLY catalog_stats");
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
