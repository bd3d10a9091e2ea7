using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using ToolCatalog.Api.Writes;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Import;

/// <summary>
/// Imports parsed tool files as one <see cref="CatalogWriter"/> transaction (all or nothing): invalid files are
/// reported and skipped, new tools are created, changed ones get a new version — the same operation a PUT is, in a
/// batch — and a file whose canonical content is already the tool's current version creates nothing.
/// </summary>
public sealed class CatalogImporter
{
    public static readonly ActivitySource ActivitySource = new("ToolCatalog.Import");

    private readonly CatalogWriter _writer;
    private readonly Counter<long> _files;

    public CatalogImporter(CatalogWriter writer, IMeterFactory meters)
    {
        _writer = writer;
        _files = meters.Create("ToolCatalog.Import").CreateCounter<long>("toolcatalog.import.files",
            description: "Imported files by outcome (added, new_version, unchanged, invalid); dry runs excluded");
    }

    /// <summary>Imports <paramref name="files"/>; <paramref name="trigger"/> is the reload trigger the change counts as (api, or file for the catalog worker).</summary>
    public async Task<ImportReport> ImportAsync(IReadOnlyList<ParsedTool> files, string actor, bool dryRun, string trigger, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("import");
        activity?.SetTag("import.files", files.Count);
        activity?.SetTag("import.dry_run", dryRun);

        var (firstResults, candidates) = Candidates(files);
        var committed = await _writer.WriteAsync(trigger, actor, dryRun, async (tx, ct) =>
        {
            // Each attempt decides afresh from what it locked: a retried attempt must not reuse the outcomes of one rolled back.
            var results = (ParsedOutcome[])firstResults.Clone();
            await ImportCandidatesAsync(tx, files, candidates, results, ct);
            return results;
        }, cancellationToken);

        var results = committed.Result;
        var report = new ImportReport(dryRun, committed.Revision, files.Select((f, i) =>
            new ImportFileResult(f.File, f.Tool?.Name, f.Tool?.Version, results[i].Outcome, results[i].Problems)).ToList());
        if (!dryRun)
        {
            foreach (var group in report.Files.GroupBy(f => f.Outcome))
            {
                _files.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key switch
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

    /// <summary>Invalid files and second occurrences of a tool are reported; the rest are candidates, by tool name.</summary>
    private static (ParsedOutcome[] Results, Dictionary<string, int> Candidates) Candidates(IReadOnlyList<ParsedTool> files)
    {
        var results = new ParsedOutcome[files.Count];
        var candidates = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file.Tool is not { } tool)
            {
                results[i] = new(ImportOutcome.Invalid, file.Problems);
            }
            else if (candidates.TryGetValue(tool.Name, out var first))
            {
                results[i] = Rejected(file, "tool_name", $"tool '{tool.Name}' appears twice in this import (first in {files[first].File})");
            }
            else
            {
                candidates[tool.Name] = i;
            }
        }
        return (results, candidates);
    }

    /// <summary>
    /// An import sends arrays of any length to the statements a PUT sends one-element arrays to. Auto-prepared, those
    /// statements get a generic plan after a few PUTs, which assumes an array parameter holds 10 elements: a 10,000-tool
    /// import after a few thousand PUTs ran nested loops past the command timeout (503; the same import on a fresh process
    /// took seconds). Inside an import's transaction every statement is planned for the arrays it really gets.
    /// The version insert's estimates (jsonb_each rows it cannot know) are so high that PostgreSQL compiled it with JIT
    /// on every import, over two seconds of CPU for a statement that runs once; and its sorts of the documents spilled to
    /// disk at the default work_mem. Both settings end with the transaction.
    /// </summary>
    private static async Task PlanForRealSizesAsync(WriteTransaction tx, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("""
            SET LOCAL plan_cache_mode = force_custom_plan;
            SET LOCAL jit = off;
            SET LOCAL work_mem = '128MB';
            """, tx.Connection, tx.Transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ImportCandidatesAsync(WriteTransaction tx, IReadOnlyList<ParsedTool> files, Dictionary<string, int> candidates,
        ParsedOutcome[] results, CancellationToken cancellationToken)
    {
        await PlanForRealSizesAsync(tx, cancellationToken);
        if (await AllStoredAsync(tx, candidates.Values.Select(i => files[i].Tool!).ToList(), cancellationToken))
        {
            foreach (var index in candidates.Values)
            {
                results[index] = new(ImportOutcome.Unchanged, files[index].Problems);
            }
            return;
        }
        // Create what is missing first, then lock what exists (a tool another writer created meanwhile is among those):
        // both in name order, so concurrent imports of the same tools in different orders queue instead of deadlocking.
        var created = await tx.CreateAsync(candidates.Values.Select(i => files[i].Tool!), cancellationToken);
        var existing = await tx.LockAsync(candidates.Keys.Where(n => !created.ContainsKey(n)), withDocuments: false, cancellationToken);
        var versions = new List<VersionToAdd>();
        foreach (var (name, index) in candidates)
        {
            var file = files[index];
            var tool = file.Tool!;
            if (created.TryGetValue(name, out var newTool))
            {
                versions.Add(new VersionToAdd(newTool, tool, "created", "import"));
                results[index] = new(ImportOutcome.Added, file.Problems);
            }
            else if (!existing.TryGetValue(name, out var current))
            {
                // Purged by another writer between our insert and our lock.
                results[index] = Rejected(file, "tool_name", $"tool '{name}' was removed by another writer meanwhile; import again");
            }
            else if (current.DeletedAt is null && current.CurrentHash == tool.ContentHash)
            {
                results[index] = new(ImportOutcome.Unchanged, file.Problems);
            }
            else
            {
                versions.Add(new VersionToAdd(current, tool, current.DeletedAt is null ? "updated" : "restored", "import"));
                results[index] = new(ImportOutcome.NewVersion, file.Problems);
            }
        }
        foreach (var name in await tx.AddVersionsAsync(versions, cancellationToken))
        {
            var file = files[candidates[name]];
            results[candidates[name]] = Rejected(file, "version",
                $"version {file.Tool!.Version} of '{name}' is already stored with other content; versions are immutable, so give this content a new version");
        }
    }

    /// <summary>
    /// Whether every document already is its live tool's current version: then the import changes nothing, and one read
    /// without row locks says so (as of that read, which is when the import happens). Locking every row instead, as a
    /// changing import must, would write to each of them, which made re-importing an unchanged catalog cost seconds.
    /// </summary>
    private static async Task<bool> AllStoredAsync(WriteTransaction tx, IReadOnlyList<ToolDocument> documents, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            return false;
        }
        const string sql = """
            SELECT count(*)
            FROM unnest(@names, @hashes) AS u(name, hash)
            JOIN tools t ON t.name = u.name AND t.deleted_at IS NULL
            JOIN tool_versions v ON v.tool_id = t.id AND v.is_current AND v.content_hash = u.hash
            """;
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx.Transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("names", documents.Select(d => d.Name).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("hashes", documents.Select(d => d.ContentHash).ToArray()));
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))! == documents.Count;
    }

    private static ParsedOutcome Rejected(ParsedTool file, string path, string message) =>
        new(ImportOutcome.Invalid, [.. file.Problems, CatalogProblem.Error(file.File, new SourceMark(1, 1), path, message)]);
}
