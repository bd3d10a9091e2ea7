using System.Security.Cryptography;
using ToolCatalog.Generator.Api;

namespace ToolCatalog.Generator.Worker;

/// <summary>What one sync pass did.</summary>
public sealed record SyncResult(int Files, int Sent, ImportReport? Report, IReadOnlyList<string> DeletedTools, IReadOnlyList<string> InvalidFiles,
    bool NeedsAnotherPass)
{
    public string Summary => Report is null
        ? $"{Files} file(s), no changes" + (DeletedTools.Count > 0 ? $", {DeletedTools.Count} tool(s) deleted" : "")
        : $"{Files} file(s), {Sent} sent: {Report.Added} added, {Report.NewVersions} new version(s), {Report.Unchanged} unchanged, {Report.Invalid} invalid"
            + (DeletedTools.Count > 0 ? $", {DeletedTools.Count} tool(s) deleted" : "");
}

/// <summary>
/// One pass over the catalog folder: hash every file, send the new and changed ones through the import route (one zip),
/// and handle deleted files. It remembers what it sent, by content hash, so unchanged files are never sent again and an
/// invalid file is reported once per edit, not once per pass.
/// </summary>
public sealed partial class CatalogSync(CatalogApiClient api, WorkerOptions options, WorkerTelemetry telemetry, ILogger logger)
{
    private sealed record FileState(string Hash, string? Tool, bool Invalid);

    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedByWorker = new(StringComparer.Ordinal);

    public async Task<SyncResult> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = WorkerTelemetry.ActivitySource.StartActivity("catalog.sync");
        var (snapshot, unreadable) = await ScanAsync(cancellationToken);
        var changed = snapshot.Where(f => !_files.TryGetValue(f.Key, out var known) || known.Hash != f.Value.Hash).ToList();
        // A file we could not read this time (being written, locked) is neither changed nor gone.
        var removed = _files.Keys.Where(k => !snapshot.ContainsKey(k) && !unreadable.Contains(k)).ToList();
        activity?.SetTag("catalog.files", snapshot.Count);
        activity?.SetTag("catalog.changed", changed.Count);
        telemetry.FilesSeen.Add(changed.Count);

        var (report, needsAnotherPass) = changed.Count > 0 ? await ImportChangedAsync(changed, cancellationToken) : (null, false);
        var deleted = await DeleteRemovedAsync(removed, snapshot, cancellationToken);
        var invalid = _files.Where(f => f.Value.Invalid).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        return new SyncResult(snapshot.Count, changed.Count, report, deleted, invalid, needsAnotherPass);
    }

    /// <summary>
    /// Sends the changed files as one import and records each file's outcome; a file refused because the worker had
    /// deleted its tool restores the tool and asks for another pass.
    /// </summary>
    private async Task<(ImportReport Report, bool NeedsAnotherPass)> ImportChangedAsync(
        List<KeyValuePair<string, (string Hash, byte[] Content)>> changed, CancellationToken cancellationToken)
    {
        var needsAnotherPass = false;
        var report = await api.ImportZipAsync(CatalogZip.Create(changed.Select(f => (f.Key, f.Value.Content))), dryRun: false, fromWorker: true, upgrade: false, cancellationToken);
        var results = report.Files.GroupBy(f => f.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (path, file) in changed)
        {
            if (!results.TryGetValue(path, out var result))
            {
                continue;
            }
            var previousTool = _files.GetValueOrDefault(path)?.Tool;
            if (!result.IsInvalid)
            {
                telemetry.FilesImported.Add(1);
                _files[path] = new FileState(file.Hash, result.Tool, Invalid: false);
                _deletedByWorker.Remove(result.Tool ?? "");
                continue;
            }
            // The worker soft-deleted this tool when its file went away; the file is back with a stored version,
            // which an import refuses (versions are immutable): restore the tool and send the file again.
            if (result.Tool is { } tool && _deletedByWorker.Remove(tool)
                && await api.RestoreToolAsync(tool, $"file {path} is back in the catalog folder", cancellationToken))
            {
                LogRestored(logger, tool, path);
                needsAnotherPass = true;
                continue;
            }
            telemetry.FilesInvalid.Add(1);
            _files[path] = new FileState(file.Hash, previousTool ?? result.Tool, Invalid: true);
            LogInvalid(logger, path, result.Problems.Count, string.Join(Environment.NewLine, result.Problems.Take(10)));
        }
        return (report, needsAnotherPass);
    }

    /// <summary>Soft-deletes the tools whose files are gone (when configured and no other file defines them); returns their names.</summary>
    private async Task<List<string>> DeleteRemovedAsync(List<string> removed, Dictionary<string, (string Hash, byte[] Content)> snapshot,
        CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        foreach (var path in removed)
        {
            var tool = _files[path].Tool;
            var stillDefined = tool is not null && _files.Any(f => f.Key != path && snapshot.ContainsKey(f.Key) && f.Value.Tool == tool);
            if (tool is not null && !stillDefined)
            {
                if (!options.DeleteMissing)
                {
                    LogKept(logger, path, tool);
                }
                else if (await api.DeleteToolAsync(tool, $"file {path} was deleted from the catalog folder", cancellationToken))
                {
                    _deletedByWorker.Add(tool);
                    deleted.Add(tool);
                    telemetry.ToolsDeleted.Add(1);
                    LogDeleted(logger, tool, path);
                }
            }
            // Forgotten only now: when the delete call fails the file stays known and the next pass tries again.
            _files.Remove(path);
        }
        return deleted;
    }

    private async Task<(Dictionary<string, (string Hash, byte[] Content)> Files, HashSet<string> Unreadable)> ScanAsync(CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in CatalogFiles.Enumerate(options.CatalogPath))
        {
            var relative = CatalogZip.ToEntryName(Path.GetRelativePath(options.CatalogPath, path));
            try
            {
                var content = await File.ReadAllBytesAsync(path, cancellationToken);
                files[relative] = (Convert.ToHexStringLower(SHA256.HashData(content)), content);
            }
            catch (FileNotFoundException)
            {
                // Deleted between listing and reading: absent.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(relative);
                LogUnreadable(logger, relative, ex.Message);
            }
        }
        return (files, unreadable);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalid catalog file {File} ({Count} problem(s)); other files are not affected:\n{Problems}")]
    private static partial void LogInvalid(ILogger logger, string file, int count, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Soft-deleted tool {Tool}: its file {File} was removed (Worker:DeleteMissing is on)")]
    private static partial void LogDeleted(ILogger logger, string tool, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "File {File} was removed; tool {Tool} is kept because Worker:DeleteMissing is off")]
    private static partial void LogKept(ILogger logger, string file, string tool);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored tool {Tool}: its file {File} is back")]
    private static partial void LogRestored(ILogger logger, string tool, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read {File} ({Reason}); trying again at the next pass")]
    private static partial void LogUnreadable(ILogger logger, string file, string reason);
}
