using Npgsql;

namespace ToolCatalog.Api.Tests.Infrastructure;

/// <summary>One-line SQL for tests that set up or inspect a catalog database behind the API's back.</summary>
public static class DataSourceSql
{
    public static async Task ExecuteAsync(this NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
