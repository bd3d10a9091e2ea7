using System.Text.Json;
using Npgsql;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// GET /audit reads the entries it answers with, not the whole log: the log grows with every write for as long as the
/// catalog lives, and the route is open to anonymous readers.
/// </summary>
public sealed class AuditHistoryTests(CatalogInfrastructure infra)
{
    private const int Entries = 5_000;
    private const int Limit = 100;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_newest_entries_are_read_without_the_rest_of_the_log(bool forOneTool)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        await using var db = NpgsqlDataSource.Create(host.Database);
        // A long history over many tools, half of it of one tool, with statistics.
        await db.ExecuteAsync($"""
            INSERT INTO catalog_changes (revision, tool_name, version, action)
            SELECT 1000 + g, CASE WHEN g % 2 = 0 THEN 'busy' ELSE 'tool_' || (g % 50) END, '1.0.' || g, 'updated'
            FROM generate_series(1, {Entries}) g;
            INSERT INTO audit_log (revision, actor, action, tool_name, version)
            SELECT revision, 'writer', action, tool_name, version FROM catalog_changes WHERE revision > 1000;
            ANALYZE audit_log;
            """, ct);

        NpgsqlParameter[] parameters = forOneTool
            ? [new NpgsqlParameter<string>("tool", "busy"), new NpgsqlParameter<int>("limit", Limit)]
            : [new NpgsqlParameter<int>("limit", Limit)];
        await using var connection = await db.OpenConnectionAsync(ct);
        var root = await QueryPlans.ExplainAnalyzeAsync(connection, null, DiscoveryApi.AuditSql(forOneTool), parameters, ct);

        Assert.Equal(Limit, root.GetProperty("Actual Rows").GetInt64());
        // At least the entries answered; far from the whole log whatever the planner prefers (a tool with half the log
        // is found fastest by reading the newest entries of all).
        Assert.InRange(RowsRead(root), Limit, Entries / 10);
    }

    /// <summary>Rows the plan's scans read from the audit log (returned by them or filtered out), over every loop.</summary>
    private static long RowsRead(JsonElement plan) =>
        // A bitmap index scan only marks pages; its heap scan reads the rows.
        QueryPlans.Nodes(plan).Where(node => node.GetProperty("Node Type").GetString() is { } type && type.EndsWith("Scan", StringComparison.Ordinal)
                && type != "Bitmap Index Scan")
            .Sum(node => QueryPlans.Count(node, "Actual Rows") * QueryPlans.Count(node, "Actual Loops") + QueryPlans.Count(node, "Rows Removed by Filter"));
}
