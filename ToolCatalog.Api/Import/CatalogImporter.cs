using System.Diagnostics;
using Npgsql;
using ToolCatalog.Api.Tools;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Import;

/// <summary>
/// Imports parsed tool files: invalid ones are reported and skipped, the valid ones are stored in one transaction
/// (all or nothing), and a file whose canonical content is already the tool's current version creates nothing.
/// </summary>
public sealed class CatalogImporter(NpgsqlDataSource dataSource)
{
    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Import");
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("ToolCatalog.Import");
    private static readonly System.Diagnostics.Metrics.Counter<long> Files = Meter.CreateCounter<long>("toolcatalog.import.files",
        description: "Imported files by outcome (added, new_version, unchanged, invalid); dry runs excluded");

    public async Task<ImportReport> ImportAsync(IReadOnlyList<ParsedTool> files, string actor, bool dryRun, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("import");
        activity?.SetTag("import.files", files.Count);
        activity?.SetTag("import.dry_run", dryRun);

        var results = new ParsedOutcome[files.Count];
        var candidates = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file.Tool is not { } tool)
            {
                results[i] = new(ImportOutcome.Invalid, file.Problems);
                continue;
            }
            if (candidates.TryGetValue(tool.Name, out var first))
            {
                results[i] = new(ImportOutcome.Invalid, [.. file.Problems, CatalogProblem.Error(file.File, new SourceMark(1, 1), "tool_name",
                    $"tool '{tool.Name}' appears twice in this import (first in {files[first].File})")]);
                continue;
            }
            candidates[tool.Name] = i;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var existing = await LoadExistingAsync(connection, transaction, candidates.Keys.ToArray(), cancellationToken);
        var toCreate = new List<int>();
        var newVersions = new List<NewToolVersion>();
        var changes = new List<CatalogChange>();
        foreach (var (name, index) in candidates)
        {
            var tool = files[index].Tool!;
            if (!existing.TryGetValue(name, out var current))
            {
                toCreate.Add(index);
                results[index] = new(ImportOutcome.Added, files[index].Problems);
                continue;
            }
            if (current.DeletedAt is null && current.ContentHash == tool.ContentHash)
            {
                results[index] = new(ImportOutcome.Unchanged, files[index].Problems);
                continue;
            }
            if (current.Versions.Contains(tool.Version))
            {
                results[index] = new(ImportOutcome.Invalid, [.. files[index].Problems, CatalogProblem.Error(files[index].File,
                    new SourceMark(1, 1), "version",
                    $"version {tool.Version} of '{name}' is already stored with other content; versions are immutable, so give this content a new version")]);
                continue;
            }
            newVersions.Add(new NewToolVersion(current.Id, current.MaxSeq + 1, tool, actor, "import"));
            changes.Add(new CatalogChange(name, tool.Version, current.DeletedAt is null ? "updated" : "restored", actor, "import"));
            results[index] = new(ImportOutcome.NewVersion, files[index].Problems);
        }

        if (toCreate.Count > 0)
        {
            var ids = await CreateToolsAsync(connection, transaction, toCreate.Select(i => files[i].Tool!).ToList(), cancellationToken);
            foreach (var index in toCreate)
            {
                var tool = files[index].Tool!;
                if (!ids.ContainsKey(tool.Name))
                {
                    // Another writer created this tool after we looked: report it rather than fail the whole request.
                    results[index] = new(ImportOutcome.Invalid, [.. files[index].Problems, CatalogProblem.Error(files[index].File,
                        new SourceMark(1, 1), "tool_name", $"tool '{tool.Name}' was created by another writer meanwhile; import again")]);
                    continue;
                }
                newVersions.Add(new NewToolVersion(ids[tool.Name], 1, tool, actor, "import"));
                changes.Add(new CatalogChange(tool.Name, tool.Version, "created", actor, "import"));
            }
        }
        await UpdateToolStateAsync(connection, transaction, newVersions, cancellationToken);
        await ToolVersionWriter.InsertCurrentAsync(connection, transaction, newVersions, cancellationToken);
        var revision = await ChangeLog.RecordAsync(connection, transaction, changes, cancellationToken);

        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        var report = new ImportReport(dryRun, revision, files.Select((f, i) =>
            new ImportFileResult(f.File, f.Tool?.Name, f.Tool?.Version, results[i].Outcome, results[i].Problems)).ToList());
        if (!dryRun)
        {
            foreach (var group in report.Files.GroupBy(f => f.Outcome))
            {
                Files.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key switch
                {
                    ImportOutcome.Added => "added",
                    ImportOutcome.NewVersion => "new_version",
                    ImportOutcome.Unchanged => "unchanged",
                    _ => "invalid",
                }));
            }
        }
        activity?.SetTag("import.added", report.Added);
        activity?.SetTag("import.new_versions", report.NewVersions);
        activity?.SetTag("import.invalid", report.Invalid);
        return report;
    }

    private sealed record ParsedOutcome(ImportOutcome Outcome, IReadOnlyList<CatalogProblem> Problems);

    private sealed record ExistingTool(long Id, DateTime? DeletedAt, string? ContentHash, int MaxSeq, HashSet<string> Versions);

    private static async Task<Dictionary<string, ExistingTool>> LoadExistingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string[] names, CancellationToken cancellationToken)
    {
        // Lock first: a concurrent import or PUT of the same tools waits here. Then read in a second statement, because a
        // statement that waited for a row lock still reads its subqueries from its own older snapshot (READ COMMITTED),
        // and would compute a stale max(seq) and current hash.
        await using (var lockCmd = new NpgsqlCommand("SELECT id FROM tools WHERE name = ANY(@names) ORDER BY id FOR UPDATE", connection, transaction))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
            await lockCmd.ExecuteNonQueryAsync(cancellationToken);
        }
        const string sql = """
            SELECT t.name, t.id, t.deleted_at,
                   (SELECT v.content_hash FROM tool_versions v WHERE v.tool_id = t.id AND v.is_current),
                   coalesce((SELECT max(v.seq) FROM tool_versions v WHERE v.tool_id = t.id), 0),
                   coalesce((SELECT array_agg(v.version) FROM tool_versions v WHERE v.tool_id = t.id), '{}')
            FROM tools t
            WHERE t.name = ANY(@names)
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
        var result = new Dictionary<string, ExistingTool>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = new ExistingTool(
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4),
                new HashSet<string>(reader.GetFieldValue<string[]>(5), StringComparer.Ordinal));
        }
        return result;
    }

    private static async Task<Dictionary<string, long>> CreateToolsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<ToolDocument> tools, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO tools (name, status, enabled)
            SELECT * FROM unnest(@names, @statuses, @enabled)
            ON CONFLICT (name) DO NOTHING
            RETURNING name, id
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("names", tools.Select(t => t.Name).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("statuses", tools.Select(t => t.Status).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<bool[]>("enabled", tools.Select(t => t.Enabled).ToArray()));
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetString(0)] = reader.GetInt64(1);
        }
        return ids;
    }

    /// <summary>A new version carries its own status and enabled flag, and brings a soft-deleted tool back.</summary>
    private static async Task UpdateToolStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<NewToolVersion> versions, CancellationToken cancellationToken)
    {
        var updates = versions.Where(v => v.Seq > 1).ToList();
        if (updates.Count == 0)
        {
            return;
        }
        const string sql = """
            UPDATE tools t SET status = u.status, enabled = u.enabled, deleted_at = NULL, updated_at = now()
            FROM unnest(@ids, @statuses, @enabled) AS u(id, status, enabled)
            WHERE t.id = u.id
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", updates.Select(v => v.ToolId).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("statuses", updates.Select(v => v.Document.Status).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<bool[]>("enabled", updates.Select(v => v.Document.Enabled).ToArray()));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
