using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using ToolCatalog.Api.Tests.Caching;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Reload;

/// <summary>Reload answers and failures: the outcome of this reload, and an SQL error is never taken for an outage.</summary>
public sealed class ReloadTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_reload_answers_with_its_own_outcome_and_says_so_when_its_history_row_could_not_be_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("reloaded", "1.0.0")), ct)).StatusCode);

        await SqlAsync(database, "ALTER TABLE reload_history ADD CONSTRAINT refuse_rows CHECK (false) NOT VALID", ct);
        foreach (var request in (object[])[new { tools = new[] { "reloaded" } }, new { }])
        {
            using var response = await api.PostAsJsonAsync("/api/v1/reload", request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            Assert.Equal("succeeded", body.RootElement.GetProperty("result").GetString());
            Assert.Contains("refuse_rows", body.RootElement.GetProperty("historyError").GetString(), StringComparison.Ordinal);
        }

        await SqlAsync(database, "ALTER TABLE reload_history DROP CONSTRAINT refuse_rows", ct);
        using (var recorded = await api.PostAsJsonAsync("/api/v1/reload", new { tools = new[] { "reloaded" } }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
            using var body = JsonDocument.Parse(await recorded.Content.ReadAsStringAsync(ct));
            Assert.Equal(["reloaded"], body.RootElement.GetProperty("scope").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("historyError").ValueKind);
            var id = body.RootElement.GetProperty("id").GetString();
            using var history = JsonDocument.Parse(await api.GetStringAsync("/api/v1/reload/history?trigger=manual&limit=10", ct));
            Assert.Contains(history.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
        }
    }

    [Fact]
    public async Task An_sql_error_at_start_fails_loudly_instead_of_serving_the_yaml_fallback()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await SqlAsync(database, "ALTER TABLE catalog_state RENAME TO catalog_state_moved", ct); // a schema bug, not an outage
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString,
            new Dictionary<string, string?> { ["Catalog:FallbackPath"] = RepoPaths.Catalog });

        var (status, catalog) = await HealthAsync(replicas.Clients[0], ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", catalog.GetProperty("status").GetString());
        Assert.Contains("catalog_state", catalog.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Empty", catalog.GetProperty("data").GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_unreachable_database_at_start_still_serves_the_yaml_fallback()
    {
        var ct = TestContext.Current.CancellationToken;
        var unreachable = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=postgres;Database=catalogdb;Timeout=2";
        await using var replicas = Replicas.Start(1, unreachable, infra.Redis.ConnectionString,
            new Dictionary<string, string?> { ["Catalog:FallbackPath"] = RepoPaths.Catalog });

        var (_, catalog) = await HealthAsync(replicas.Clients[0], ct);

        Assert.Equal("Degraded", catalog.GetProperty("status").GetString());
        Assert.Equal("Files", catalog.GetProperty("data").GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_sql_error_in_a_scheduled_reload_makes_the_catalog_unhealthy_with_the_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString,
            new Dictionary<string, string?> { ["Reload:Interval"] = "00:00:00.2" });
        var api = replicas.Clients[0];
        Assert.Equal("Healthy", (await HealthAsync(api, ct)).Catalog.GetProperty("status").GetString());

        await SqlAsync(database, "ALTER TABLE catalog_state RENAME TO catalog_state_moved", ct);

        Assert.True(await Replicas.EventuallyAsync(async () =>
        {
            var (_, catalog) = await HealthAsync(api, ct);
            return catalog.GetProperty("status").GetString() == "Unhealthy"
                && catalog.GetProperty("description").GetString()!.Contains("catalog_state", StringComparison.Ordinal);
        }, Deadline, ct), "a scheduled reload refused by the database left the catalog healthy");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Catalog)> HealthAsync(HttpClient api, CancellationToken ct)
    {
        using var response = await api.GetAsync("/health", ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return (response.StatusCode, body.RootElement.GetProperty("checks").GetProperty("catalog").Clone());
    }

    private static async Task SqlAsync(string database, string sql, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await dataSource.ExecuteAsync(sql, ct);
    }
}
