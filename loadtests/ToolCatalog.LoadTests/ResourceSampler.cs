using System.Globalization;

namespace ToolCatalog.LoadTests;

/// <summary>One sample of the API process: CPU as a fraction of the whole machine over the last interval, resident memory.</summary>
public sealed record ResourceSample(double Second, double CpuFraction, double RssMb, double MemoryFraction);

/// <summary>Memory growth over the measured run: least-squares slope of the resident set, MB per minute.</summary>
public sealed record MemoryTrend(double SlopeMbPerMinute, double StartMb, double EndMb, int Samples);

/// <summary>
/// Samples <c>/proc/&lt;pid&gt;/stat</c> (utime + stime) and <c>/proc/&lt;pid&gt;/status</c> (VmRSS) of the API process every
/// second. Linux only; when the pid is missing or unreadable, <see cref="Note"/> says so and no samples are taken.
/// </summary>
public sealed class ResourceSampler(int pid, string procRoot = "/proc")
{
    /// <summary>USER_HZ: 100 on every mainstream Linux build.</summary>
    private const double ClockTicksPerSecond = 100;

    private readonly Lock _gate = new();
    private readonly List<ResourceSample> _samples = [];

    public string? Note { get; private set; }
    public int Cores { get; } = Environment.ProcessorCount;
    public double MachineMemoryMb { get; } = ReadMemTotalMb(procRoot);

    public IReadOnlyList<ResourceSample> Samples { get { lock (_gate) { return [.. _samples]; } } }

    public async Task RunAsync(long measureStart, CancellationToken cancellationToken)
    {
        if (ReadCpuTicks() is not { } previousTicks)
        {
            Note = $"process {pid} not readable under {procRoot}: no resource samples";
            return;
        }
        var previousAt = Clock.Now;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var ticks = ReadCpuTicks();
                var rssMb = ReadRssMb();
                var now = Clock.Now;
                if (ticks is null || rssMb is null)
                {
                    Note = $"process {pid} went away during the run";
                    return;
                }
                var seconds = Clock.Between(previousAt, now).TotalSeconds;
                var cpu = seconds > 0 ? (ticks.Value - previousTicks) / ClockTicksPerSecond / seconds / Cores : 0;
                lock (_gate)
                {
                    _samples.Add(new ResourceSample(Math.Round(Clock.Between(measureStart, now).TotalSeconds, 2), cpu, rssMb.Value,
                        MachineMemoryMb > 0 ? rssMb.Value / MachineMemoryMb : 0));
                }
                previousTicks = ticks.Value;
                previousAt = now;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private long? ReadCpuTicks()
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
            // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based over the whole line).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private double? ReadRssMb()
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status")))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return ParseKb(line) / 1024.0;
                }
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double ReadMemTotalMb(string procRoot)
    {
        try
        {
            var line = File.ReadLines(Path.Combine(procRoot, "meminfo")).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? 0 : ParseKb(line) / 1024.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double ParseKb(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>Least-squares slope of RSS (MB) against time (minutes) over the samples at or after <paramref name="fromSecond"/>.</summary>
    public static MemoryTrend? Trend(IReadOnlyList<ResourceSample> samples, double fromSecond = 0)
    {
        var points = samples.Where(s => s.Second >= fromSecond).ToList();
        if (points.Count < 2)
        {
            return null;
        }
        var xs = points.Select(p => p.Second / 60.0).ToArray();
        var ys = points.Select(p => p.RssMb).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var sxy = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum();
        return new MemoryTrend(sxx > 0 ? sxy / sxx : 0, ys[0], ys[^1], points.Count);
    }
}
