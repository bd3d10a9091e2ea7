using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

[assembly: AssemblyFixture(typeof(GeneratorInfrastructure))]

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>The run's PostgreSQL and Redis (<see cref="CatalogServers"/>) as this assembly's xunit fixture.</summary>
public sealed class GeneratorInfrastructure : IAsyncLifetime
{
    private CatalogServers _servers = null!;

    public PostgresServer Postgres => _servers.Postgres;
    public RedisServer Redis => _servers.Redis;

    public async ValueTask InitializeAsync()
    {
        _servers = await CatalogServers.StartAsync(TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage("Generator tests: " + _servers.Description);
    }

    public Task<string> NewCatalogDatabaseAsync(CancellationToken cancellationToken) => _servers.NewCatalogDatabaseAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
