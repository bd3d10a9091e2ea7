using System.Threading.Channels;

namespace ToolCatalog.Generator.Worker;

/// <summary>
/// Turns file system events under the catalog folder into "something changed" signals, debounced. Events carry no
/// data the worker relies on: each sync compares the whole folder with what it imported, so a dropped or coalesced
/// event only delays a change until the next event or periodic rescan.
/// </summary>
public sealed partial class FolderWatcher : IDisposable
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly FileSystemWatcher? _watcher;
    private readonly ILogger _logger;

    public FolderWatcher(string root, ILogger logger)
    {
        _logger = logger;
        try
        {
            _watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            _watcher.Created += OnEvent;
            _watcher.Changed += OnEvent;
            _watcher.Deleted += OnEvent;
            _watcher.Renamed += OnEvent;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // inotify limits, unsupported file systems: the periodic rescan still finds every change, later.
            LogWatcherUnavailable(logger, root, ex.Message);
            _watcher?.Dispose();
            _watcher = null;
        }
    }

    /// <summary>
    /// Waits for a change and then for <paramref name="debounce"/> of quiet (at most ten debounce periods, so a file
    /// written continuously still syncs); true when a change was seen, false when <paramref name="rescanInterval"/> passed.
    /// </summary>
    public async Task<bool> WaitForChangeAsync(TimeSpan rescanInterval, TimeSpan debounce, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await ReadSignalAsync(rescanInterval, time, cancellationToken))
        {
            return false;
        }
        var deadline = time.GetUtcNow() + debounce * 10;
        while (time.GetUtcNow() < deadline && await ReadSignalAsync(debounce, time, cancellationToken))
        {
        }
        return true;
    }

    private async Task<bool> ReadSignalAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _signal.Reader.ReadAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        // Our own atomic writes go through hidden temp files; their rename to *.yaml raises the event that matters.
        if (Path.GetFileName(e.FullPath).StartsWith('.'))
        {
            return;
        }
        _signal.Writer.TryWrite(true);
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        LogWatcherError(_logger, e.GetException().Message);
        _signal.Writer.TryWrite(true);
    }

    public void Dispose() => _watcher?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Root} ({Reason}); changes are picked up by the periodic rescan only")]
    private static partial void LogWatcherUnavailable(ILogger logger, string root, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File watcher error ({Reason}), events may have been lost; rescanning the folder")]
    private static partial void LogWatcherError(ILogger logger, string reason);
}
