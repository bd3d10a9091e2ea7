using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ToolCatalog.Api.Data;
using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

[assembly: AssemblyFixture(typeof(GeneratorInfrastructure))]

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL and one real Redis for the run (the pattern of the API tests' CatalogInfrastructure). Tests that
/// need the API get a database of their own, cloned from a template that already carries the schema.
/// </summary>
public sealed class GeneratorInfrastructure : IAsyncLifetime
{
    private const string TemplateDatabase = "generator_template";

    public PostgresServer Postgres { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var postgres = PostgresServer.StartAsync(ct);
        var redis = RedisServer.StartAsync(ct);
        Postgres = await postgres;
        Redis = await redis;
        TestContext.Current.SendDiagnosticMessage($"Generator tests: PostgreSQL on port {Postgres.Port}, Redis ({Redis.Kind}) on port {Redis.Port}");

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
        Postgres.ConnectionString(await Postgres.CreateDatabaseAsync("g", TemplateDatabase, cancellationToken));

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
