using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Writes;

/// <summary>
/// The single-tool writes of the API (create, new version, rollback, delete/restore/purge, status and enabled), each
/// one <see cref="CatalogWriter"/> transaction on one tool that checks If-Match against the ETag the tool is served with.
/// The database's unique (tool, version) is the last line against duplicate versions.
/// </summary>
public sealed class ToolWriteService(CatalogWriter writer, SnapshotStore loader, IOptions<WriteOptions> options)
{
    public async Task<WriteOutcome> CreateAsync(ToolDocument document, string actor, string? reason, CancellationToken cancellationToken)
    {
        var committed = await writer.WriteAsync(Reload.ReloadTriggers.Api, actor, dryRun: false, async (tx, ct) =>
        {
            if (!(await tx.CreateAsync([document], ct)).TryGetValue(document.Name, out var created))
            {
                return WriteOutcome.Conflict(
                    $"Tool '{document.Name}' already exists (deleted tools can be restored). Use PUT /api/v1/tools/{document.Name} for a new version.");
            }
            await tx.AddVersionsAsync([new VersionToAdd(created, document, "created", reason)], ct);
            return new WriteOutcome(WriteStatus.Created, Name: document.Name);
        }, cancellationToken);
        return Served(committed);
    }

    /// <summary>
    /// A new version: in one round trip when this replica serves the tool from the database and the write can be
    /// decided from that (<see cref="PutAsServedAsync"/>); otherwise, or when the database no longer holds what was
    /// served, in two: the lock also finds out whether the version is taken, so the version's statements go out with
    /// the change records and the commit.
    /// </summary>
    public async Task<WriteOutcome> PutAsync(string name, ToolDocument document, string? ifMatch, string actor, string? reason,
        CancellationToken cancellationToken) =>
        await PutAsServedAsync(name, document, ifMatch, actor, reason, cancellationToken)
        ?? await PutAfterLockAsync(name, document, ifMatch, actor, reason, cancellationToken);

    /// <summary>
    /// The new version decided from the served snapshot, sent with the check that the database still holds it (null
    /// when the snapshot cannot decide: the tool is not served from the database, or If-Match is missing where it is
    /// required or names another ETag, which the database may still hold). A failed check writes nothing and says null.
    /// </summary>
    private async Task<WriteOutcome?> PutAsServedAsync(string name, ToolDocument document, string? ifMatch, string actor, string? reason,
        CancellationToken cancellationToken)
    {
        var served = loader.Current.Find(name);
        if (served?.Stored is null || served.SourceFingerprint is null || (ifMatch is null ? options.Value.RequireIfMatch : !EntityTags.Matches(ifMatch, served.ETag)))
        {
            return null;
        }
        try
        {
            var committed = await writer.WriteAsync(Reload.ReloadTriggers.Api, actor, dryRun: false, (tx, _) =>
            {
                tx.QueueVersions([new VersionToAdd(tx.LockAsServed(served, document.Version), document, "updated", reason)]);
                return Task.FromResult(new WriteOutcome(WriteStatus.Ok, null, name, document.Version));
            }, cancellationToken);
            return Served(committed);
        }
        catch (PostgresException ex) when (ex.SqlState == WriteTransaction.NotAsServed)
        {
            return null;
        }
    }

    private Task<WriteOutcome> PutAfterLockAsync(string name, ToolDocument document, string? ifMatch, string actor, string? reason,
        CancellationToken cancellationToken) =>
        OnOneToolAsync(name, ifMatch, actor, cancellationToken, (tx, tool, _) =>
        {
            if (tool.DeletedAt is not null)
            {
                return Task.FromResult(WriteOutcome.Conflict($"Tool '{name}' is deleted; restore it first (POST /api/v1/tools/{name}/restore)."));
            }
            if (tool.NewVersionTaken)
            {
                return Task.FromResult(VersionTaken(tool, document));
            }
            tx.QueueVersions([new VersionToAdd(tool, document, "updated", reason)]);
            return Task.FromResult(new WriteOutcome(WriteStatus.Ok, null, tool.Name, document.Version));
        }, newVersion: document.Version);

    public Task<WriteOutcome> RollbackAsync(string name, string targetVersion, string? ifMatch, string actor, string? reason, CancellationToken cancellationToken) =>
        OnOneToolAsync(name, ifMatch, actor, cancellationToken, async (tx, tool, ct) =>
        {
            await using var cmd = new NpgsqlCommand("SELECT source::text FROM tool_versions WHERE tool_id = @id AND version = @version", tx.Connection, tx.Transaction);
            cmd.Parameters.Add(new NpgsqlParameter<long>("id", tool.Id));
            cmd.Parameters.Add(new NpgsqlParameter<string>("version", targetVersion));
            if (await cmd.ExecuteScalarAsync(ct) is not string source)
            {
                return new WriteOutcome(WriteStatus.NotFound, $"Tool '{name}' has no version {targetVersion}.");
            }
            // History is never rewritten: the target's content comes back as a new version, named after the target.
            var json = (JsonObject)JsonNode.Parse(source)!;
            json["version"] = $"{targetVersion.Split('+')[0]}+rollback.{tool.MaxSeq + 1}";
            return await AddVersionAsync(tx, tool, ToolDocument.FromValidated(json), "rolled_back", reason ?? $"rollback to {targetVersion}", ct);
        });

    public Task<WriteOutcome> DeleteAsync(string name, bool purge, string? ifMatch, string actor, string? reason, CancellationToken cancellationToken) =>
        OnOneToolAsync(name, ifMatch, actor, cancellationToken, async (tx, tool, ct) =>
        {
            if (!purge && tool.DeletedAt is not null)
            {
                return new WriteOutcome(WriteStatus.Ok, $"Tool '{name}' was already deleted.", name);
            }
            await (purge ? tx.PurgeAsync(tool, reason, ct) : tx.SoftDeleteAsync(tool, reason, ct));
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version);
        });

    public Task<WriteOutcome> RestoreAsync(string name, string actor, string? reason, CancellationToken cancellationToken) =>
        OnOneToolAsync(name, null, actor, cancellationToken, async (tx, tool, ct) =>
        {
            if (tool.DeletedAt is null)
            {
                return WriteOutcome.Conflict($"Tool '{name}' is not deleted.");
            }
            await tx.RestoreAsync(tool, reason, ct);
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version);
        });

    public Task<WriteOutcome> SetStateAsync(string name, string? status, bool? enabled, string? ifMatch, string actor, string? reason,
        CancellationToken cancellationToken) =>
        OnOneToolAsync(name, ifMatch, actor, cancellationToken, async (tx, tool, ct) =>
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
            var action = enabled is { } e && e != tool.Enabled ? (e ? "enabled" : "disabled") : "status_changed";
            await tx.SetStateAsync(tool, newStatus, newEnabled, action, reason, ct);
            return new WriteOutcome(WriteStatus.Ok, null, name, tool.Current?.Version);
        });

    private static async Task<WriteOutcome> AddVersionAsync(WriteTransaction tx, LockedTool tool, ToolDocument document, string action, string? reason,
        CancellationToken cancellationToken)
    {
        var taken = await tx.AddVersionsAsync([new VersionToAdd(tool, document, action, reason)], cancellationToken);
        return taken.Count > 0 ? VersionTaken(tool, document) : new WriteOutcome(WriteStatus.Ok, null, tool.Name, document.Version);
    }

    private static WriteOutcome VersionTaken(LockedTool tool, ToolDocument document) =>
        WriteOutcome.Conflict($"Version {document.Version} of '{tool.Name}' already exists; versions are immutable, send a new version.");

    /// <summary>
    /// Locks the tool (deleted ones too: restore and purge need them), checks If-Match, then runs the write;
    /// <paramref name="newVersion"/> asks the lock whether the tool already has that version.
    /// </summary>
    private async Task<WriteOutcome> OnOneToolAsync(string name, string? ifMatch, string actor, CancellationToken cancellationToken,
        Func<WriteTransaction, LockedTool, CancellationToken, Task<WriteOutcome>> write, string? newVersion = null)
    {
        var versionToCheck = newVersion is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [name] = newVersion };
        if (ifMatch is null && options.Value.RequireIfMatch)
        {
            return new WriteOutcome(WriteStatus.PreconditionRequired, "This catalog requires If-Match on writes: send the ETag you read.");
        }
        var committed = await writer.WriteAsync(Reload.ReloadTriggers.Api, actor, dryRun: false, async (tx, ct) =>
        {
            if (!(await tx.LockAsync([name], withDocuments: true, ct, versionToCheck)).TryGetValue(name, out var tool))
            {
                return WriteOutcome.NotFound(name);
            }
            if (ifMatch is not null && !EntityTags.Matches(ifMatch, tool.ETag))
            {
                return WriteOutcome.PreconditionFailed(tool.ETag ?? "(none)");
            }
            return await write(tx, tool, ct);
        }, cancellationToken);
        return Served(committed);
    }

    /// <summary>After a committed change: the tool as this replica now serves it, and the revision the change got.</summary>
    private WriteOutcome Served(CommittedWrite<WriteOutcome> committed)
    {
        var outcome = committed.Result;
        if (committed.ChangedTools.Count == 0 || outcome.Status is not (WriteStatus.Ok or WriteStatus.Created))
        {
            return outcome;
        }
        var served = loader.Current.Find(outcome.Name!);
        return outcome with { Version = served?.Version, ETag = served?.ETag, Revision = committed.Revision };
    }
}
