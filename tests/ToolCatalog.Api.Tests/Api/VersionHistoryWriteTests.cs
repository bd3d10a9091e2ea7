using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Api.Writes;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// Storing a version does not read the tool's earlier versions: a tool updated for years has thousands, and a write
/// that filtered through them got slower with every one (the planner's choice of index, see migration 0013).
/// </summary>
public sealed class VersionHistoryWriteTests(CatalogInfrastructure infra)
{
    private const int History = 2_000;

    [Fact]
    public async Task The_statements_that_store_a_version_read_none_of_the_tools_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = ToolDocument.FromValidated(await host.NextVersionAsync("systemctl", "9.0.0", ct));
        await using var db = NpgsqlDataSource.Create(host.Database);
        // A catalog of tools with one version each, its statistics as autovacuum takes them after an import, and then
        // one tool's long history (the next analyze comes only once a tenth of the table has changed).
        await db.ExecuteAsync("""
            WITH others AS (INSERT INTO tools (name) SELECT 'other_' || g FROM generate_series(1, 300) g RETURNING id)
            INSERT INTO tool_versions (tool_id, version, seq, is_current, source, description, platform, category, content_hash, created_by)
            SELECT o.id, v.version, 1, true, v.source, v.description, v.platform, v.category, v.content_hash, 'catalog'
            FROM others o, tool_versions v WHERE v.is_current
            """, ct);
        await db.ExecuteAsync("ANALYZE tool_versions", ct);
        var toolId = await db.ScalarAsync<long>($"""
            INSERT INTO tool_versions (tool_id, version, seq, source, description, platform, category, content_hash, created_by)
            SELECT v.tool_id, '0.0.' || g, 1 + g, v.source, v.description, v.platform, v.category, v.content_hash, 'history'
            FROM tool_versions v, generate_series(1, {History}) g
            WHERE v.is_current AND v.tool_id = (SELECT id FROM tools WHERE name = 'systemctl')
            RETURNING tool_id
            """, ct);

        var removed = new List<long>();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var statement in ToolVersionWriter.StoreCommands([new NewToolVersion(toolId, History + 2, next, "test", null)]))
        {
            var plan = await QueryPlans.ExplainAnalyzeAsync(connection, transaction, statement.CommandText, statement.Parameters, ct);
            removed.Add(QueryPlans.Nodes(plan).Sum(node => QueryPlans.Count(node, "Rows Removed by Filter")));
        }
        await transaction.RollbackAsync(ct);

        // Demote, insert, the tool's new state: each finds its rows by index, with nothing read and thrown away.
        Assert.Equal([0, 0, 0], removed);
    }
}
