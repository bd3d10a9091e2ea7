using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ToolCatalog.Api.Data;

namespace ToolCatalog.Testing;

/// <summary>
/// One real PostgreSQL and one real Redis for a test run, plus a template database that already carries the schema,
/// so every test can get a database of its own in milliseconds and tests never see each other's rows.
/// Each test assembly wraps this in its xunit assembly fixture.
/// </summary>
public sealed class CatalogServers : IAsyncDisposable
{
    private const string TemplateDatabase = "catalog_template";

    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }

    private CatalogServers(PostgresServer postgres, RedisServer redis)
    {
        Postgres = postgres;
        Redis = redis;
    }

    public static async Task<CatalogServers> StartAsync(CancellationToken cancellationToken)
    {
        var postgres = PostgresServer.StartAsync(cancellationToken);
        var redis = RedisServer.StartAsync(cancellationToken);
        var servers = new CatalogServers(await postgres, await redis);

        await using (var admin = new NpgsqlConnection(servers.Postgres.ServerConnectionString + ";Database=postgres;Pooling=false"))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        // Pooling off: a template cannot be cloned while any connection to it is open.
        await using var dataSource = NpgsqlDataSource.Create(servers.Postgres.ConnectionString(TemplateDatabase) + ";Pooling=false");
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
        return servers;
    }

    /// <summary>One line for logs: which servers run where.</summary>
    public string Description => $"PostgreSQL on port {Postgres.Port}, Redis ({Redis.Kind}) on port {Redis.Port}";

    /// <summary>A fresh database with the current schema, owned by the calling test.</summary>
    public async Task<string> NewCatalogDatabaseAsync(CancellationToken cancellationToken) =>
        Postgres.ConnectionString(await Postgres.CreateDatabaseAsync("t", TemplateDatabase, cancellationToken));

    /// <summary>A fresh, empty database (no schema), for migration tests.</summary>
    public async Task<string> NewEmptyDatabaseAsync(CancellationToken cancellationToken) =>
        Postgres.ConnectionString(await Postgres.CreateDatabaseAsync("e", null, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
