using System.Diagnostics;
using System.Globalization;

namespace ToolCatalog.AppHost.Infrastructure;

/// <summary>
/// Where local servers keep their data: a folder per AppHost run, removed on stop, or a persistent folder
/// with Infra:KeepData=true. Folders left by a killed run are swept at the next start.
/// </summary>
public sealed class RunFolder : IDisposable
{
    private const string Prefix = "run-";
    private readonly bool _persistent;

    public string Path { get; }

    private RunFolder(string path, bool persistent)
    {
        Path = path;
        _persistent = persistent;
        Directory.CreateDirectory(path);
    }

    public static string DefaultRoot => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "toolcatalog-apphost");

    public static RunFolder Create(bool keepData, string? root = null)
    {
        root ??= DefaultRoot;
        if (keepData)
        {
            var persistent = System.IO.Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "ToolCatalog", "apphost-data");
            return new RunFolder(persistent, persistent: true);
        }
        SweepStale(root);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddHHmmss}");
        return new RunFolder(System.IO.Path.Combine(root, name), persistent: false);
    }

    /// <summary>Removes folders of runs whose AppHost is gone, stopping any PostgreSQL they left running.</summary>
    public static void SweepStale(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var dir in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            var parts = System.IO.Path.GetFileName(dir)[Prefix.Length..].Split('-');
            if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
            {
                continue;
            }
            StopOrphanedPostgres(System.IO.Path.Combine(dir, "postgres", "postmaster.pid"));
            TryDelete(dir);
        }
    }

    public void Dispose()
    {
        if (!_persistent)
        {
            TryDelete(Path);
        }
    }

    private static void StopOrphanedPostgres(string pidFile)
    {
        if (!File.Exists(pidFile))
        {
            return;
        }
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
        {
            // SIGINT = PostgreSQL's fast shutdown: disconnects clients, no recovery needed.
            using (var kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }
            var deadline = Stopwatch.StartNew();
            while (IsAlive(pid) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(100);
            }
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") || (OperatingSystem.IsWindows() && ProcessExists(pid));

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server that has not exited yet still holds files; the next start sweeps it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
