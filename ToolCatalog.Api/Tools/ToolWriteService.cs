using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tools;

/// <summary>
/// Every change to a tool, each in one transaction that locks the tool row first (FOR UPDATE), checks If-Match against
/// the served ETag, writes, and records the change with its revision. The database's unique (tool, version) is the
/// last line against duplicate versions. After commit the local snapshot is updated.
/// </summary>
public sealed class ToolWriteService(NpgsqlDataSource dataSource, SnapshotStore loader, Reload.CatalogChangeNotifier notifier, IOptions<CatalogOptions> options)
{
    private sealed record LockedTool(long Id, string Name, string Status, bool Enabled, DateTime? DeletedAt, int MaxSeq, ToolDocument? Current)
    {
        public string? ETag => Current is null ? null : ServedRepresentation.Build(Current, Status, Enabled).ETag;
    }

    /// <summary>The audit diff has the shape GET .../diff answers with (camelCase), not the entries' C# names.</summary>
    private static readonly JsonSerializerOptions AuditDiffJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Which reload trigger writes of this request count as (api, or file for the catalog worker).</summary>
    public async Task<WriteOutcome> CreateAsync(ToolDocument document, string actor, string? reason, CancellationToken cancellationToken,
        string trigger = Reload.ReloadTriggers.Api)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        const string insert = """
            INSERT INTO tools (name, status, enabled) VALUES (@name, @status, @enabled)
            ON CONFLICT (name) DO NOTHING
            RETURNING id
            """;
        await using var cmd = new NpgsqlCommand(insert, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", document.Name));
        cmd.Parameters.Add(new NpgsqlParameter<string>("status", document.Status));
        cmd.Parameters.Add(new NpgsqlParameter<bool>("enabled", document.Enabled));
        if (await cmd.ExecuteScalarAsync(cancellationToken) is not long id)
        {
            return WriteOutcome.Conflict($"Tool '{document.Name}' already exists (deleted tools can be restored). Use PUT /api/v1/tools/{document.Name} for a new version.");
        }
        await ToolVersionWriter.InsertCurrentAsync(connection, tx, [new NewToolVersion(id, 1, document, actor, reason)], cancellationToken);
        var revision = await ChangeLog.RecordAsync(connection, tx, [new CatalogChange(document.Name, document.Version, "created", actor, reason)], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return await AfterCommitAsync(WriteStatus.Created, document.Name, revision, actor, trigger);
    }

    public async Task<WriteOutcome> PutAsync(string name, ToolDocument document, string? ifMatch, string actor, string? reason, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, ifMatch, actor, cancellationToken, async (connection, tx, tool) =>
        {
            if (tool.DeletedAt is not null)
            {
                return WriteOutcome.Conflict($"Tool '{name}' is deleted; restore it first (POST /api/v1/tools/{name}/restore).");
            }
            return await AddVersionAsync(connection, tx, tool, document, "updated", actor, reason, cancellationToken);
        });

    public async Task<WriteOutcome> RollbackAsync(string name, string targetVersion, string? ifMatch, string actor, string? reason, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, ifMatch, actor, cancellationToken, async (connection, tx, tool) =>
        {
            await using var cmd = new NpgsqlCommand("SELECT source::text FROM tool_versions WHERE tool_id = @id AND version = @version", connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
            cmd.Parameters.Add(new NpgsqlParameter<string>("version", targetVersion));
            if (await cmd.ExecuteScalarAsync(cancellationToken) is not string source)
            {
                return new WriteOutcome(WriteStatus.NotFound, $"Tool '{name}' has no version {targetVersion}.");
            }
            // History is never rewritten: the target's content comes back as a new version, named after the target.
            var json = (JsonObject)JsonNode.Parse(source)!;
            var baseVersion = targetVersion.Split('+')[0];
            json["version"] = $"{baseVersion}+rollback.{tool.MaxSeq + 1}";
            var document = ToolDocument.FromValidated(json);
            return await AddVersionAsync(connection, tx, tool, document, "rolled_back", actor, reason ?? $"rollback to {targetVersion}", cancellationToken);
        });

    public async Task<WriteOutcome> DeleteAsync(string name, bool purge, string? ifMatch, string actor, string? reason, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, ifMatch, actor, cancellationToken, async (connection, tx, tool) =>
        {
            if (!purge && tool.DeletedAt is not null)
            {
                return new WriteOutcome(WriteStatus.Ok, $"Tool '{name}' was already deleted.", name);
            }
            var sql = purge
                ? "DELETE FROM tools WHERE id = @id"
                : "UPDATE tools SET deleted_at = now(), updated_at = now() WHERE id = @id";
            await ExecuteAsync(connection, tx, sql, tool.Id, cancellationToken);
            var revision = await ChangeLog.RecordAsync(connection, tx,
                [new CatalogChange(name, tool.Current?.Version, purge ? "purged" : "deleted", actor, reason)], cancellationToken);
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version, null, revision);
        });

    public async Task<WriteOutcome> RestoreAsync(string name, string actor, string? reason, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, null, actor, cancellationToken, async (connection, tx, tool) =>
        {
            if (tool.DeletedAt is null)
            {
                return WriteOutcome.Conflict($"Tool '{name}' is not deleted.");
            }
            await ExecuteAsync(connection, tx, "UPDATE tools SET deleted_at = NULL, updated_at = now() WHERE id = @id", tool.Id, cancellationToken);
            var revision = await ChangeLog.RecordAsync(connection, tx, [new CatalogChange(name, tool.Current?.Version, "restored", actor, reason)], cancellationToken);
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version, null, revision);
        }, includeDeleted: true);

    public async Task<WriteOutcome> SetStateAsync(string name, string? status, bool? enabled, string? ifMatch, string actor, string? reason,
        CancellationToken cancellationToken) =>
        await InTransactionAsync(name, ifMatch, actor, cancellationToken, async (connection, tx, tool) =>
        {
            if (tool.DeletedAt is not null)
            {
                return WriteOutcome.NotFound(name);
            }
            var newStatus = status ?? tool.Status;
            var newEnabled = enabled ?? tool.Enabled;
            if (newStatus == tool.Status && newEnabled == tool.Enabled)
            {
                return new WriteOutcome(WriteStatus.Ok, "nothing to change", name, tool.Current?.Version, tool.ETag);
            }
            await using (var cmd = new NpgsqlCommand(
                "UPDATE tools SET status = @status, status_reason = @reason, enabled = @enabled, updated_at = now() WHERE id = @id", connection, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
                cmd.Parameters.Add(new NpgsqlParameter<string>("status", newStatus));
                cmd.Parameters.Add(new NpgsqlParameter("reason", (object?)reason ?? DBNull.Value));
                cmd.Parameters.Add(new NpgsqlParameter<bool>("enabled", newEnabled));
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            var action = enabled is { } e && e != tool.Enabled ? (e ? "enabled" : "disabled") : "status_changed";
            var revision = await ChangeLog.RecordAsync(connection, tx, [new CatalogChange(name, tool.Current?.Version, action, actor, reason)], cancellationToken);
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version, null, revision);
        });

    private async Task<WriteOutcome> AddVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LockedTool tool, ToolDocument document,
        string action, string actor, string? reason, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM tool_versions WHERE tool_id = @id AND version = @version", connection, tx))
        {
            exists.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
            exists.Parameters.Add(new NpgsqlParameter<string>("version", document.Version));
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return WriteOutcome.Conflict($"Version {document.Version} of '{tool.Name}' already exists; versions are immutable, send a new version.");
            }
        }
        string? diff = null;
        if (tool.Current is { } current)
        {
            var (changes, breaking) = ToolDiff.Compare(current.ToJsonObject(), document.ToJsonObject());
            diff = JsonSerializer.Serialize(new { from = current.Version, to = document.Version, changes, breaking }, AuditDiffJson);
        }
        await ToolVersionWriter.InsertCurrentAsync(connection, tx, [new NewToolVersion(tool.Id, tool.MaxSeq + 1, document, actor, reason)], cancellationToken);
        await using (var state = new NpgsqlCommand(
            "UPDATE tools SET status = @status, enabled = @enabled, default_version = NULL, updated_at = now() WHERE id = @id", connection, tx))
        {
            state.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
            state.Parameters.Add(new NpgsqlParameter<string>("status", document.Status));
            state.Parameters.Add(new NpgsqlParameter<bool>("enabled", document.Enabled));
            await state.ExecuteNonQueryAsync(cancellationToken);
        }
        var revision = await ChangeLog.RecordAsync(connection, tx, [new CatalogChange(tool.Name, document.Version, action, actor, reason, diff)], cancellationToken);
        return new WriteOutcome(WriteStatus.Ok, null, tool.Name, document.Version, null, revision);
    }

    private async Task<WriteOutcome> InTransactionAsync(string name, string? ifMatch, string actor, CancellationToken cancellationToken,
        Func<NpgsqlConnection, NpgsqlTransaction, LockedTool, Task<WriteOutcome>> write, bool includeDeleted = true)
    {
        if (ifMatch is null && options.Value.RequireIfMatch)
        {
            return new WriteOutcome(WriteStatus.PreconditionRequired, "This catalog requires If-Match on writes: send the ETag you read.");
        }
        WriteOutcome outcome;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var tool = await LockAsync(connection, tx, name, cancellationToken);
            if (tool is null || (!includeDeleted && tool.DeletedAt is not null))
            {
                return WriteOutcome.NotFound(name);
            }
            if (ifMatch is not null && ifMatch != "*" && !ETagMatches(ifMatch, tool.ETag))
            {
                return WriteOutcome.PreconditionFailed(tool.ETag ?? "(none)");
            }
            outcome = await write(connection, tx, tool);
            if (outcome.Status is not (WriteStatus.Ok or WriteStatus.Created) || outcome.Revision == 0)
            {
                return outcome;
            }
            await tx.CommitAsync(cancellationToken);
        }
        var applied = await AfterCommitAsync(outcome.Status, name, outcome.Revision, actor, Reload.ReloadTriggers.Api);
        return applied with { Detail = outcome.Detail };
    }

    private async Task<WriteOutcome> AfterCommitAsync(WriteStatus status, string name, long revision, string? actor, string trigger)
    {
        await notifier.CommittedAsync([name], revision, revision, trigger, actor);
        var served = loader.Current.Find(name);
        return new WriteOutcome(status, null, name, served?.Version, served?.ETag, revision);
    }

    private static async Task<LockedTool?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken cancellationToken)
    {
        // Lock first, then read in a second statement: under READ COMMITTED a statement that waited for the row lock
        // still sees its own (older) snapshot in subqueries, so a writer queued behind another would read the
        // previous max(seq) and current version, insert a duplicate seq (500) and check If-Match against a stale ETag.
        await using (var lockCmd = new NpgsqlCommand("SELECT t.id FROM tools t WHERE t.name = @name FOR UPDATE OF t", connection, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter<string>("name", name));
            if (await lockCmd.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }
        const string sql = """
            SELECT t.id, t.name, t.status, t.enabled, t.deleted_at,
                   coalesce((SELECT max(seq) FROM tool_versions v WHERE v.tool_id = t.id), 0),
                   (SELECT v.source::text FROM tool_versions v WHERE v.tool_id = t.id AND v.is_current)
            FROM tools t WHERE t.name = @name
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", name));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new LockedTool(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
            reader.IsDBNull(4) ? null : reader.GetDateTime(4), reader.GetInt32(5),
            reader.IsDBNull(6) ? null : SnapshotStore.ToolDocumentFromStored(reader.GetString(6)));
    }

    private static bool ETagMatches(string ifMatch, string? current) =>
        current is not null && ifMatch.Split(',').Select(t => t.Trim().Replace("W/", "", StringComparison.Ordinal)).Contains(current, StringComparer.Ordinal);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, long id, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
