using System.Text.Json;
using Npgsql;

namespace ToolCatalog.Api.Tests.Infrastructure;

/// <summary>What PostgreSQL did for a statement the API sends: its plan under EXPLAIN ANALYZE, node by node.</summary>
public static class QueryPlans
{
    /// <summary>Runs <paramref name="sql"/> with (copies of) <paramref name="parameters"/> under EXPLAIN ANALYZE; the root plan node.</summary>
    public static async Task<JsonElement> ExplainAnalyzeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(parameter.Clone());
        }
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync(cancellationToken))!);
        return plan.RootElement[0].GetProperty("Plan").Clone();
    }

    /// <summary>The node and every node under it.</summary>
    public static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Nodes).Prepend(node) : [node];

    /// <summary>A node's count, or 0 when it has none.</summary>
    public static long Count(JsonElement node, string property) => node.TryGetProperty(property, out var value) ? value.GetInt64() : 0;
}
