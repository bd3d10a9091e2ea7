using Npgsql;

namespace ToolCatalog.Api.Writes;

/// <summary>Changes to a locked tool's state that add no version: status, enabled, soft delete, restore, purge.</summary>
public sealed partial class WriteTransaction
{
    public async Task SetStateAsync(LockedTool tool, string status, bool enabled, string action, string? reason, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE tools SET status = @status, status_reason = @reason, enabled = @enabled, updated_at = now() WHERE id = @id", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
        cmd.Parameters.Add(new NpgsqlParameter<string>("status", status));
        cmd.Parameters.Add(new NpgsqlParameter("reason", (object?)reason ?? DBNull.Value));
        cmd.Parameters.Add(new NpgsqlParameter<bool>("enabled", enabled));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        _changes.Add(new CatalogChange(tool.Name, tool.Current?.Version, action, actor, reason));
    }

    public Task SoftDeleteAsync(LockedTool tool, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(tool, "UPDATE tools SET deleted_at = now(), updated_at = now() WHERE id = @id", "deleted", reason, cancellationToken);

    public Task RestoreAsync(LockedTool tool, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(tool, "UPDATE tools SET deleted_at = NULL, updated_at = now() WHERE id = @id", "restored", reason, cancellationToken);

    /// <summary>Removes the tool and its history; the change feed keeps a tombstone.</summary>
    public Task PurgeAsync(LockedTool tool, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(tool, "DELETE FROM tools WHERE id = @id", "purged", reason, cancellationToken);

    private async Task ExecuteAsync(LockedTool tool, string sql, string action, string? reason, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        _changes.Add(new CatalogChange(tool.Name, tool.Current?.Version, action, actor, reason));
    }
}
