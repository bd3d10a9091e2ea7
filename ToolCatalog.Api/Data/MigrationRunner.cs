using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ToolCatalog.Api.Data;

/// <summary>
/// Applies the SQL files embedded under Data/Migrations in version order, once per database.
/// Replicas start together, so the whole run holds a session-level advisory lock: the first replica
/// migrates, the others wait and then find nothing to do.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary but fixed: every ToolCatalog process must use the same key.
    private const long AdvisoryLockKey = 0x746F6F6C636174; // "toolcat"

    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Migrations");

    public async Task<MigrationResult> ApplyAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("migrate");
        var migrations = LoadEmbedded();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer     PRIMARY KEY,
                    name        text        NOT NULL,
                    checksum    text        NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, cancellationToken);
            CheckApplied(applied, migrations);

            var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
            foreach (var migration in pending)
            {
                await ApplyOneAsync(connection, migration, cancellationToken);
            }

            // Types created by a migration (extensions, enums) must be visible to this pool's connections.
            if (pending.Count > 0)
            {
                await connection.ReloadTypesAsync(cancellationToken);
            }

            activity?.SetTag("migrations.applied", pending.Count);
            return new MigrationResult(pending.Select(m => m.Version).ToArray(), migrations.Count);
        }
        finally
        {
            // Unlock explicitly even though closing the session would: pooled connections are not closed.
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    /// <summary>Every migration the database has must be one this build knows, unchanged since it was applied.</summary>
    private static void CheckApplied(Dictionary<int, (string Name, string Checksum)> applied, IReadOnlyList<Migration> migrations)
    {
        foreach (var (version, (name, checksum)) in applied)
        {
            var known = migrations.FirstOrDefault(m => m.Version == version);
            if (known is null)
            {
                throw new MigrationException(
                    $"The database has migration {version:0000} ({name}) that this build does not know. " +
                    "It was written by a newer ToolCatalog; deploy that version or restore the database.");
            }
            if (!string.Equals(known.Checksum, checksum, StringComparison.Ordinal))
            {
                throw new MigrationException(
                    $"Migration {version:0000} ({name}) was changed after it was applied " +
                    $"(database checksum {checksum[..12]}…, file {known.Checksum[..12]}…). " +
                    "Applied migrations are immutable: revert the edit and add a new migration file instead.");
            }
        }
    }

    /// <summary>One migration and its schema_migrations row, in one transaction.</summary>
    private async Task ApplyOneAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var apply = new NpgsqlCommand(migration.Sql, connection, tx))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", connection, tx))
        {
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("n", migration.Name);
            record.Parameters.AddWithValue("c", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        LogApplied(logger, migration.Version, migration.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        const string prefix = "ToolCatalog.Api.Data.Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var match = MigrationFileName().Match(fileName);
            if (!match.Success)
            {
                throw new MigrationException($"Embedded migration '{fileName}' does not follow NNNN_name.sql.");
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Line endings are normalised so a checkout with CRLF does not look like an edited migration.
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            list.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups[2].Value, sql, checksum));
        }
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException($"Two migrations share version {duplicate.Key:0000}.");
        }
        return list.OrderBy(m => m.Version).ToList();
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadAppliedAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, (string, string)>();
        await using var cmd = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }
        return result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial System.Text.RegularExpressions.Regex MigrationFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version:0000} {Name} in {ElapsedMs:F0} ms")]
    private static partial void LogApplied(ILogger logger, int version, string name, double elapsedMs);
}

public sealed record Migration(int Version, string Name, string Sql, string Checksum);

public sealed record MigrationResult(IReadOnlyList<int> Applied, int Known);

public sealed class MigrationException(string message) : Exception(message);
