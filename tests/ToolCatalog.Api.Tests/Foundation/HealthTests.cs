using System.Net;
using System.Text.Json;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Foundation;

public sealed class HealthTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Health_reports_Healthy_with_database_cache_and_migration_checks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = new ApiFactory(await infra.NewEmptyDatabaseAsync(ct), infra.Redis.ConnectionString);
        var client = api.CreateClient();

        var response = await client.GetAsync("/health", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        foreach (var check in (string[])["postgres", "redis", "migrations", "catalog"])
        {
            Assert.Equal("Healthy", checks.GetProperty(check).GetProperty("status").GetString());
        }
        // This instance started on an empty database, so it applied every migration itself.
        Assert.True(checks.GetProperty("migrations").GetProperty("data").GetProperty("appliedByThisInstance").GetInt32() > 0);
    }

    [Fact]
    public async Task With_the_database_unreachable_the_api_starts_alive_but_not_healthy()
    {
        var ct = TestContext.Current.CancellationToken;
        // Nothing listens on this port: the API must still start and say so, never hang or crash.
        var unreachable = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=postgres;Database=catalogdb;Timeout=2";
        await using var api = new ApiFactory(unreachable, infra.Redis.ConnectionString);
        var client = api.CreateClient();

        var alive = await client.GetAsync("/alive", ct);
        var health = await client.GetAsync("/health", ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }
}
