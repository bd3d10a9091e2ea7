namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>A folder of the test's own under the temp folder, removed on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "toolcatalog-generator-tests", Guid.NewGuid().ToString("N")[..12]);

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a file the way an editor's "save" ends: the whole content at once.</summary>
    public async Task WriteAsync(string relative, string text, CancellationToken cancellationToken)
    {
        var path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await Cli.AtomicFile.WriteAsync(path, text, cancellationToken);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the folder for a moment; the temp folder is cleaned by the OS eventually.
        }
    }
}
