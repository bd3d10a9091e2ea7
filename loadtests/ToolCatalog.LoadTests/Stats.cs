using System.Diagnostics;
using HdrHistogram;

namespace ToolCatalog.LoadTests;

/// <summary>Latency distribution in milliseconds (from an HdrHistogram recorded in microseconds).</summary>
public sealed record LatencySummary(double Min, double Mean, double P50, double P75, double P95, double P99, double P999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>P99 / P95: how heavy the tail is (1.0 = flat). 0 when there is no P95.</summary>
    public double TailRatio => P95 > 0 ? P99 / P95 : 0;
}

/// <summary>Thread-safe latency and outcome recording for one scenario (or the whole run).</summary>
public sealed class LatencyRecorder
{
    /// <summary>One minute is the largest latency tracked; more is clamped (and still counted).</summary>
    public const long HighestMicros = 60_000_000;

    private readonly Lock _gate = new();
    private readonly LongHistogram _histogram = new(HighestMicros, 3);
    private long _min = long.MaxValue;
    private long _errors;

    public long Count { get { lock (_gate) { return _histogram.TotalCount; } } }
    public long Errors => Interlocked.Read(ref _errors);

    public void Record(TimeSpan latency, bool ok)
    {
        var micros = Math.Clamp((long)Math.Round(latency.TotalMicroseconds), 1, HighestMicros);
        lock (_gate)
        {
            _histogram.RecordValue(micros);
            _min = Math.Min(_min, micros);
        }
        if (!ok)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public LatencySummary Summary()
    {
        lock (_gate)
        {
            return Summarize(_histogram, _min);
        }
    }

    internal static LatencySummary Summarize(LongHistogram histogram, long min)
    {
        if (histogram.TotalCount == 0)
        {
            return LatencySummary.Empty;
        }
        static double Ms(long micros) => micros / 1000.0;
        return new LatencySummary(
            Ms(min == long.MaxValue ? histogram.GetValueAtPercentile(0) : min),
            histogram.GetMean() / 1000.0,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(75)),
            Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));
    }

    /// <summary>Percentile curve for the distribution chart: (percentile, ms) at log-spaced points up to 99.99.</summary>
    public IReadOnlyList<(double Percentile, double Ms)> PercentileCurve()
    {
        double[] points = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return [];
            }
            return points.Select(p => (p, (p >= 100 ? _histogram.GetMaxValue() : _histogram.GetValueAtPercentile(p)) / 1000.0)).ToList();
        }
    }
}

/// <summary>One second of the measured run: requests finished, errors, and latency percentiles within that second.</summary>
public sealed record SecondSample(int Second, long Requests, long Errors, double P50, double P95, double P99, double Max);

/// <summary>Per-second buckets (by completion time) of the measured run, for the over-time charts.</summary>
public sealed class Timeline(int seconds)
{
    private readonly Lock _gate = new();
    private readonly LongHistogram?[] _buckets = new LongHistogram?[Math.Max(1, seconds + 1)];
    private readonly long[] _errors = new long[Math.Max(1, seconds + 1)];

    public void Record(TimeSpan sinceMeasureStart, TimeSpan latency, bool ok)
    {
        var second = (int)Math.Floor(sinceMeasureStart.TotalSeconds);
        if (second < 0)
        {
            return;
        }
        second = Math.Min(second, _buckets.Length - 1);
        var micros = Math.Clamp((long)Math.Round(latency.TotalMicroseconds), 1, LatencyRecorder.HighestMicros);
        lock (_gate)
        {
            (_buckets[second] ??= new LongHistogram(LatencyRecorder.HighestMicros, 2)).RecordValue(micros);
            if (!ok)
            {
                _errors[second]++;
            }
        }
    }

    public IReadOnlyList<SecondSample> Samples(int measuredSeconds)
    {
        lock (_gate)
        {
            var result = new List<SecondSample>();
            for (var s = 0; s < Math.Min(measuredSeconds, _buckets.Length); s++)
            {
                var h = _buckets[s];
                result.Add(h is null
                    ? new SecondSample(s, 0, _errors[s], 0, 0, 0, 0)
                    : new SecondSample(s, h.TotalCount, _errors[s], h.GetValueAtPercentile(50) / 1000.0, h.GetValueAtPercentile(95) / 1000.0,
                        h.GetValueAtPercentile(99) / 1000.0, h.GetMaxValue() / 1000.0));
            }
            return result;
        }
    }
}

/// <summary>A monotonic clock shared by the engine and the tests.</summary>
public static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();
    public static TimeSpan Between(long from, long to) => Stopwatch.GetElapsedTime(from, to);
    public static long Add(long timestamp, TimeSpan span) => timestamp + (long)(span.TotalSeconds * Stopwatch.Frequency);
}
