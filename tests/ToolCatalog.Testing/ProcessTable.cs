namespace ToolCatalog.Testing;

/// <summary>Reads /proc (Linux; nothing elsewhere) to find processes a test started, by a marker in their command line or environment.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<(int Pid, string CommandLine)> Matching(string marker)
    {
        var found = new List<(int, string)>();
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (cmdline.Contains(marker, StringComparison.Ordinal) || environ.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add((pid, cmdline.Trim()));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }
        return found;
    }

    /// <summary>Waits until no process matches, or the deadline passes; returns what is left.</summary>
    public static async Task<IReadOnlyList<(int Pid, string CommandLine)>> WaitUntilGoneAsync(string marker, TimeSpan deadline, CancellationToken ct)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var left = Matching(marker);
            if (left.Count == 0 || DateTime.UtcNow > until)
            {
                return left;
            }
            await Task.Delay(200, ct);
        }
    }
}
