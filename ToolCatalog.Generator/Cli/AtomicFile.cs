namespace ToolCatalog.Generator.Cli;

/// <summary>
/// Writes a file so that readers (and the catalog worker) see either the old content or the whole new one: the text
/// goes to a hidden temp file in the same folder, which is then renamed over the target. Ctrl+C in between leaves
/// no half-written file, only the temp file, which is removed.
/// </summary>
public static class AtomicFile
{
    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        // Not *.yaml: the worker's watcher and the catalog loader ignore it.
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, new System.Text.UTF8Encoding(false), cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
