using System.Globalization;

namespace ToolCatalog.LoadTests;

public enum ThresholdStatus
{
    Pass,
    Fail,
    Skipped,
}

public sealed record ThresholdResult(string Name, string Limit, string Actual, ThresholdStatus Status, string? Note = null);

/// <summary>What the thresholds are judged on (kept apart from the run so the rules can be tested on their own).</summary>
public sealed record ThresholdInput(
    LatencySummary Overall,
    long Requests,
    long Errors,
    IReadOnlyList<ResourceSample> Resources,
    string? ResourceNote,
    MemoryTrend? Trend,
    bool Soak,
    long? ConsistencyViolations);

public static class Thresholds
{
    private static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static IReadOnlyList<ThresholdResult> Evaluate(ThresholdInput input, ThresholdLimits limits)
    {
        var results = new List<ThresholdResult>();
        if (input.Requests == 0)
        {
            results.Add(new("requests", "> 0", "0", ThresholdStatus.Fail, "nothing was measured"));
        }
        else
        {
            results.Add(Judge("P95 latency", $"< {F(limits.P95Ms, "0.##")} ms", $"{F(input.Overall.P95)} ms", input.Overall.P95 < limits.P95Ms));
            var errorRate = (double)input.Errors / input.Requests;
            results.Add(Judge("error rate", $"< {F(limits.MaxErrorRate * 100, "0.##")} %", $"{F(errorRate * 100, "0.###")} %", errorRate < limits.MaxErrorRate));
            results.Add(Judge("P99 / P95", $"< {F(limits.MaxTailRatio)}", F(input.Overall.TailRatio), input.Overall.TailRatio < limits.MaxTailRatio));
        }

        if (input.Resources.Count == 0)
        {
            var note = input.ResourceNote ?? "no --api-pid: API process not sampled";
            results.Add(new("API CPU (mean, share of machine)", $"< {F(limits.MaxCpuFraction * 100, "0")} %", "-", ThresholdStatus.Skipped, note));
            results.Add(new("API memory (max, share of machine)", $"< {F(limits.MaxMemoryFraction * 100, "0")} %", "-", ThresholdStatus.Skipped, note));
        }
        else
        {
            var cpu = input.Resources.Average(r => r.CpuFraction);
            var memory = input.Resources.Max(r => r.MemoryFraction);
            results.Add(Judge("API CPU (mean, share of machine)", $"< {F(limits.MaxCpuFraction * 100, "0")} %", $"{F(cpu * 100, "0.0")} % (max {F(input.Resources.Max(r => r.CpuFraction) * 100, "0.0")} %)", cpu < limits.MaxCpuFraction));
            results.Add(Judge("API memory (max, share of machine)", $"< {F(limits.MaxMemoryFraction * 100, "0")} %", $"{F(memory * 100, "0.0")} % ({F(input.Resources.Max(r => r.RssMb), "0")} MB)", memory < limits.MaxMemoryFraction));
        }

        if (!input.Soak)
        {
            results.Add(new("memory growth (soak)", $"< {F(limits.MaxSlopeMbPerMin, "0.##")} MB/min", input.Trend is { } t ? $"{F(t.SlopeMbPerMinute)} MB/min" : "-",
                ThresholdStatus.Skipped, "judged only with --soak"));
        }
        else if (input.Trend is null)
        {
            results.Add(new("memory growth (soak)", $"< {F(limits.MaxSlopeMbPerMin, "0.##")} MB/min", "-", ThresholdStatus.Skipped,
                input.ResourceNote ?? "needs --api-pid and at least two samples"));
        }
        else
        {
            results.Add(Judge("memory growth (soak)", $"< {F(limits.MaxSlopeMbPerMin, "0.##")} MB/min", $"{F(input.Trend.SlopeMbPerMinute)} MB/min",
                input.Trend.SlopeMbPerMinute < limits.MaxSlopeMbPerMin));
        }

        if (input.ConsistencyViolations is { } violations)
        {
            results.Add(Judge("stale cross-replica reads", "= 0", violations.ToString(CultureInfo.InvariantCulture), violations == 0));
        }
        return results;
    }

    private static ThresholdResult Judge(string name, string limit, string actual, bool pass) =>
        new(name, limit, actual, pass ? ThresholdStatus.Pass : ThresholdStatus.Fail);

    public static bool AllPassed(IEnumerable<ThresholdResult> results) => results.All(r => r.Status != ThresholdStatus.Fail);
}
