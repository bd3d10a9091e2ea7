using System.Globalization;

namespace ToolCatalog.LoadTests;

/// <summary>The suites: the six-scenario read mix, the mix with 1 % writes and cross-replica checks, the mix with reloads, selection alone, search alone.</summary>
public enum Suite
{
    Read,
    WriteMix,
    Reload,
    Select,
    Search,
}

/// <summary>Everything one run needs; the command line maps onto this, tests build it directly.</summary>
public sealed record LoadOptions
{
    public required IReadOnlyList<Uri> BaseUrls { get; init; }
    public Suite Suite { get; init; } = Suite.Read;

    /// <summary>Closed model: this many virtual users loop (like NBomber's KeepConstant). Ignored when <see cref="Rate"/> is set.</summary>
    public int Users { get; init; } = 10;

    /// <summary>Open model: requests per second on a fixed schedule (like Inject); latency counts from the due time.</summary>
    public double? Rate { get; init; }

    public TimeSpan ThinkTime { get; init; } = TimeSpan.Zero;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Open model: at most this many requests in flight; due requests beyond it wait (and that wait is counted).</summary>
    public int MaxInFlight { get; init; } = 2000;

    public string? ApiKey { get; init; }

    /// <summary>Write-mix: writer loops, each with a load-test tool of its own (a tool's versions must commit in order).</summary>
    public int Writers { get; init; } = 4;
    public TimeSpan InvalidationLag { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan ReloadEvery { get; init; } = TimeSpan.FromSeconds(5);

    public int? ApiPid { get; init; }
    public bool Soak { get; init; }
    public bool Smoke { get; init; }
    public bool Enforce { get; init; }
    public string? OutDir { get; init; }
    public int? Seed { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ThresholdLimits Limits { get; init; } = new();

    /// <summary>Smoke mode: no warm-up, 3 s, 5 users (unless a rate was asked for).</summary>
    public LoadOptions Effective() => Smoke
        ? this with { Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(3), Users = Rate is null ? 5 : Users }
        : this;

    public string ModelDescription => Rate is { } r
        ? string.Create(CultureInfo.InvariantCulture, $"open, {r:0.##} req/s")
        : string.Create(CultureInfo.InvariantCulture, $"closed, {Users} users{(ThinkTime > TimeSpan.Zero ? $", think {ThinkTime.TotalMilliseconds:0} ms" : "")}");
}

/// <summary>The pass criteria. A run fails when any evaluated limit is broken.</summary>
public sealed record ThresholdLimits
{
    public double P95Ms { get; init; } = 50;
    public double MaxErrorRate { get; init; } = 0.01;
    public double MaxTailRatio { get; init; } = 2.0;
    public double MaxCpuFraction { get; init; } = 0.80;
    public double MaxMemoryFraction { get; init; } = 0.80;
    public double MaxSlopeMbPerMin { get; init; } = 1.0;
}

/// <summary>Durations as on the command line: 500ms, 5s, 2m, 1h, or a bare number of seconds.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            return false;
        }
        value = TimeSpan.FromSeconds(n * scale);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a duration (e.g. 500ms, 5s, 2m)");

    public static string Format(TimeSpan value) => value.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.##}s")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms");
}
