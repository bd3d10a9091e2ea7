namespace ToolCatalog.LoadTests;

public sealed record ScenarioReport(string Name, double Weight, bool Background, long Requests, long Errors, double Rps, double ErrorRate,
    LatencySummary Latency);

public sealed record PercentilePoint(double Percentile, double Ms);

/// <summary>Write-mix: PUTs acknowledged and due (1 % of the picked requests), reads checked for staleness and how many were stale.</summary>
public sealed record ConsistencyReport(IReadOnlyList<string> Tools, long Writes, long WritesDue, long WritesBehind, long Checks, long Violations, double LagMs,
    IReadOnlyList<string> Examples);

/// <summary>
/// The generator's own cost: process CPU (all threads) from the start of the warm-up to the last answer, per request
/// completed in that time, and the lean client's connections (more opened than the concurrency means the server closed some).
/// </summary>
public sealed record GeneratorReport(double CpuUsPerRequest, long ConnectionsOpened, long ConnectionsBroken);

public sealed record RunReport(
    DateTimeOffset StartedAt,
    string Machine,
    string Command,
    string Suite,
    string Model,
    IReadOnlyList<string> BaseUrls,
    double WarmupSeconds,
    double DurationSeconds,
    bool Smoke,
    bool Enforced,
    int ToolNames,
    ScenarioReport Overall,
    IReadOnlyList<ScenarioReport> Scenarios,
    IReadOnlyList<SecondSample> Timeline,
    IReadOnlyList<PercentilePoint> PercentileCurve,
    IReadOnlyList<ResourceSample> Resources,
    string? ResourceNote,
    MemoryTrend? Memory,
    ConsistencyReport? Consistency,
    LatencySummary? DispatchDelay,
    GeneratorReport Generator,
    IReadOnlyList<ThresholdResult> Thresholds,
    bool Passed);

public sealed record LoadResult(RunReport Report, int ExitCode, string OutDir, string JsonPath, string MarkdownPath, string HtmlPath);
