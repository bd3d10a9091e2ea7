using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Imports racing on the same new tools, each listing them in its own order: all succeed, each tool is stored once.</summary>
public sealed class ConcurrentImportTests(CatalogInfrastructure infra)
{
    private const int Tools = 80;
    private const int Importers = 3;
    private const int Rounds = 12;

    [Fact]
    public async Task Three_imports_of_the_same_new_tools_in_different_orders_all_succeed_and_store_each_tool_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var template = CatalogYaml("systemctl");
        var failures = new List<string>();
        var allNames = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var names = Enumerable.Range(0, Tools).Select(i => $"race{round:D2}_{i:D3}").ToList();
            allNames.AddRange(names);
            var orders = new[] { names, names.AsEnumerable().Reverse().ToList(), names.OrderBy(n => n.GetHashCode(StringComparison.Ordinal)).ToList() };
            using var start = new SemaphoreSlim(0);
            var imports = orders.Select(async order =>
            {
                var body = string.Join("\n---\n", order.Select(n => template.Replace("tool_name: systemctl", $"tool_name: {n}", StringComparison.Ordinal)));
                await start.WaitAsync(ct);
                using var response = await host.Writer.PostAsync(ToolsPath + "/import", Yaml(body), ct);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(ct));
            }).ToList();
            start.Release(Importers);
            var results = await Task.WhenAll(imports);

            failures.AddRange(results.Where(r => r.StatusCode != HttpStatusCode.OK).Select(r => $"round {round}: {(int)r.StatusCode} {r.Body[..Math.Min(300, r.Body.Length)]}"));
            var outcomes = results.Where(r => r.StatusCode == HttpStatusCode.OK)
                .SelectMany(r => JsonNode.Parse(r.Body)!["files"]!.AsArray().Select(f => (Tool: f!["tool"]!.GetValue<string>(), Outcome: f["outcome"]!.GetValue<string>())))
                .ToList();
            // Exactly one import added each tool; the others found it, unchanged.
            Assert.All(names, n => Assert.Equal(1, outcomes.Count(o => o.Tool == n && o.Outcome == "Added")));
            Assert.All(outcomes, o => Assert.Contains(o.Outcome, (string[])["Added", "Unchanged"]));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds * Importers} imports failed:\n{string.Join('\n', failures)}");
        var db = host.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var cmd = db.CreateCommand("""
            SELECT t.name, count(v.id), count(DISTINCT v.version), bool_and(v.version = '1.0.0' AND v.seq = 1 AND v.is_current)
            FROM tools t JOIN tool_versions v ON v.tool_id = t.id GROUP BY t.name
            """);
        var stored = new Dictionary<string, (long Versions, long Distinct, bool AsExpected)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3));
        }
        Assert.Equal(allNames.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored, s => Assert.Equal((1L, 1L, true), s.Value));
    }
}
