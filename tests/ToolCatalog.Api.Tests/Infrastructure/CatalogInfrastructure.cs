using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

[assembly: AssemblyFixture(typeof(CatalogInfrastructure))]

namespace ToolCatalog.Api.Tests.Infrastructure;

/// <summary>The run's PostgreSQL and Redis (<see cref="CatalogServers"/>) as this assembly's xunit fixture.</summary>
public sealed class CatalogInfrastructure : IAsyncLifetime
{
    private CatalogServers _servers = null!;

    public PostgresServer Postgres => _servers.Postgres;
    public RedisServer Redis => _servers.Redis;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _servers = await CatalogServers.StartAsync(ct);
        TestContext.Current.SendDiagnosticMessage("Test infrastructure: " + _servers.Description);
        // .ci/run prints this file, so a CI log says which Redis (redis-server or Garnet) the tests ran against.
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "test-infrastructure.txt"),
            $"postgres: local process, port {Postgres.Port}\nredis: {Redis.Kind}, port {Redis.Port}\n", ct);
    }

    public Task<string> NewCatalogDatabaseAsync(CancellationToken cancellationToken) => _servers.NewCatalogDatabaseAsync(cancellationToken);

    public Task<string> NewEmptyDatabaseAsync(CancellationToken cancellationToken) => _servers.NewEmptyDatabaseAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
