using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Foundation;

/// <summary>The rules the database itself enforces, whatever the application code does.</summary>
public sealed class SchemaTests(CatalogInfrastructure infra)
{
    private const string Hash = "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'";

    [Fact]
    public async Task The_same_version_of_a_tool_cannot_be_stored_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = NpgsqlDataSource.Create(await infra.NewCatalogDatabaseAsync(ct));
        await ExecAsync(db, "INSERT INTO tools (name) VALUES ('dig')", ct);
        await ExecAsync(db, InsertVersion("1.0", 1), ct);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(db, InsertVersion("1.0", 2), ct));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal("tool_versions_version_unique", error.ConstraintName);
    }

    [Fact]
    public async Task Only_one_version_per_tool_can_be_current()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = NpgsqlDataSource.Create(await infra.NewCatalogDatabaseAsync(ct));
        await ExecAsync(db, "INSERT INTO tools (name) VALUES ('dig')", ct);
        await ExecAsync(db, InsertVersion("1.0", 1, current: true), ct);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(db, InsertVersion("1.1", 2, current: true), ct));

        Assert.Equal("tool_versions_one_current", error.ConstraintName);
    }

    [Theory]
    [InlineData("UPDATE tools SET status = 'retired'", "tools_status_check")]
    [InlineData("INSERT INTO tools (name) VALUES ('9-starts-with-digit')", "tools_name_format")]
    [InlineData("UPDATE catalog_state SET revision = -1", "catalog_state_revision_check")]
    public async Task Check_constraints_reject_values_outside_the_model(string sql, string constraint)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = NpgsqlDataSource.Create(await infra.NewCatalogDatabaseAsync(ct));
        await ExecAsync(db, "INSERT INTO tools (name) VALUES ('dig')", ct);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(db, sql, ct));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal(constraint, error.ConstraintName);
    }

    private static string InsertVersion(string version, int seq, bool current = false) => $$"""
        INSERT INTO tool_versions (tool_id, version, seq, is_current, source, description, platform, category, content_hash, created_by)
        SELECT id, '{{version}}', {{seq}}, {{(current ? "true" : "false")}}, '{}', 'DNS lookup utility', 'network', 'network', {{Hash}}, 'test'
        FROM tools WHERE name = 'dig'
        """;

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
