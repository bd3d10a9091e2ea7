using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

[assembly: AssemblyFixture(typeof(CatalogInfrastructure))]

namespace ToolCatalog.Api.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL and one real Redis for the whole test run. Every test gets its own database, cloned from a
/// template that already carries the schema, so tests run in parallel and never see each other's rows.
/// </summary>
public sealed class CatalogInfrastructure : IAsyncLifetime
{
    private const string TemplateDatabase = "catalog_template";

    public PostgresServer Postgres { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var postgres = PostgresServer.StartAsync(ct);
        var redis = RedisServer.StartAsync(ct);
        Postgres = await postgres;
        Redis = await redis;
        TestContext.Current.SendDiagnosticMessage($"Test infrastructure: PostgreSQL on port {Postgres.Port}, Redis ({Redis.Kind}) on port {Redis.Port}");
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "test-infrastructure.txt"),
            $"postgres: local process, port {Postgres.Port}\nredis: {Redis.Kind}, port {Redis.Port}\n", ct);

        await using (var admin = new NpgsqlConnection(Postgres.ServerConnectionString + ";Database=postgres;Pooling=false"))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        // Pooling off: a template cannot be cloned while any connection to it is open.
        await using var dataSource = NpgsqlDataSource.Create(Postgres.ConnectionString(TemplateDatabase) + ";Pooling=false");
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);
    }

    /// <summary>A fresh database with the current schema, owned by the calling test.</summary>
    public async Task<string> NewCatalogDatabaseAsync(CancellationToken cancellationToken) =>
        Postgres.ConnectionString(await Postgres.CreateDatabaseAsync("t", TemplateDatabase, cancellationToken));

    /// <summary>A fresh, empty database (no schema), for migration tests.</summary>
    public async Task<string> NewEmptyDatabaseAsync(CancellationToken cancellationToken) =>
        Postgres.ConnectionString(await Postgres.CreateDatabaseAsync("e", null, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
