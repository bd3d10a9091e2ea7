using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Foundation;

public sealed class MigrationTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Concurrent_starts_apply_each_migration_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var cs = await infra.NewEmptyDatabaseAsync(ct);
        await using var dataSource = NpgsqlDataSource.Create(cs);

        // Five "replicas" start at the same moment against an empty database.
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct), ct)));

        var known = MigrationRunner.LoadEmbedded();
        Assert.Equal(known.Count, results.Sum(r => r.Applied.Count));
        Assert.Single(results, r => r.Applied.Count == known.Count);

        await using var cmd = dataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        var versions = new List<int>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                versions.Add(reader.GetInt32(0));
            }
        }
        Assert.Equal(known.Select(m => m.Version), versions);
    }

    [Fact]
    public async Task Second_start_applies_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await infra.NewEmptyDatabaseAsync(ct));
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);

        var first = await runner.ApplyAsync(ct);
        var second = await runner.ApplyAsync(ct);

        Assert.NotEmpty(first.Applied);
        Assert.Empty(second.Applied);
    }

    [Fact]
    public async Task An_applied_migration_whose_file_changed_stops_the_start_with_a_clear_message()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await infra.NewCatalogDatabaseAsync(ct));
        await using (var tamper = dataSource.CreateCommand("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1"))
        {
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(ct));
        }

        var error = await Assert.ThrowsAsync<MigrationException>(
            () => new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct));

        Assert.Contains("0001", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_unknown_to_this_build_stops_the_start()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await infra.NewCatalogDatabaseAsync(ct));
        await using (var future = dataSource.CreateCommand(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', repeat('a', 64))"))
        {
            await future.ExecuteNonQueryAsync(ct);
        }

        var error = await Assert.ThrowsAsync<MigrationException>(
            () => new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct));

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
    }
}
