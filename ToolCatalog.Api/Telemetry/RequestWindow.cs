using System.Diagnostics;

namespace ToolCatalog.Api.Telemetry;

/// <summary>
/// What this replica served over the last five minutes, one bucket per second (count, server errors and a latency
/// histogram with 10 % wide bins), for the JSON metrics summary's sliding-window rate, error rate and percentiles.
/// Memory and cost are fixed whatever the traffic; Prometheus gets the full histograms from OpenTelemetry.
/// </summary>
public sealed class RequestWindow
{
    private const int Seconds = 300;
    private const double SmallestMs = 0.01;
    private const double Growth = 1.1;
    // 0.01 ms × 1.1^165 ≈ 69 s: anything slower lands in the last bin.
    private const int Bins = 166;

    private readonly Lock _gate = new();
    private readonly long[] _second = new long[Seconds];
    private readonly long[] _counts = new long[Seconds];
    private readonly long[] _errors = new long[Seconds];
    private readonly long[] _latency = new long[Seconds * Bins];
    private readonly TimeProvider _time;
    private long _total;
    private long _totalErrors;

    public RequestWindow(TimeProvider time)
    {
        _time = time;
        StartedAt = time.GetUtcNow();
        Array.Fill(_second, -1);
    }

    public DateTimeOffset StartedAt { get; }
    public long Total => Interlocked.Read(ref _total);
    public long Errors => Interlocked.Read(ref _totalErrors);

    public void Record(double milliseconds, int status)
    {
        // Every request passes here: no lock on the way, only when a slot moves on to a new second.
        var second = CurrentSecond();
        var slot = (int)(second % Seconds);
        if (Volatile.Read(ref _second[slot]) != second)
        {
            Roll(slot, second);
        }
        Interlocked.Increment(ref _counts[slot]);
        Interlocked.Increment(ref _latency[slot * Bins + Bin(milliseconds)]);
        Interlocked.Increment(ref _total);
        if (status >= 500)
        {
            Interlocked.Increment(ref _errors[slot]);
            Interlocked.Increment(ref _totalErrors);
        }
    }

    private void Roll(int slot, long second)
    {
        lock (_gate)
        {
            if (_second[slot] == second)
            {
                return;
            }
            // The slot last held a second that has left the window. A request recorded by another thread at this very
            // boundary may land in either second: the summary is per second, not per request.
            _counts[slot] = 0;
            _errors[slot] = 0;
            Array.Clear(_latency, slot * Bins, Bins);
            Volatile.Write(ref _second[slot], second);
        }
    }

    /// <summary>The last <paramref name="window"/> (whole seconds, at most five minutes) up to and including the current second.</summary>
    public WindowSummary Summarize(TimeSpan window)
    {
        var seconds = Math.Clamp((int)Math.Ceiling(window.TotalSeconds), 1, Seconds);
        var now = CurrentSecond();
        long count = 0, errors = 0;
        var histogram = new long[Bins];
        for (var slot = 0; slot < Seconds; slot++)
        {
            var tag = Volatile.Read(ref _second[slot]);
            if (tag > now - seconds && tag <= now)
            {
                count += Interlocked.Read(ref _counts[slot]);
                errors += Interlocked.Read(ref _errors[slot]);
                for (var b = 0; b < Bins; b++)
                {
                    histogram[b] += Interlocked.Read(ref _latency[slot * Bins + b]);
                }
            }
        }
        // Counts and bins are read one by one while requests go on: the percentiles rank within the bins themselves.
        var binned = histogram.Sum();
        if (count == 0 || binned == 0)
        {
            return new WindowSummary(window.TotalSeconds, 0, 0, 0, 0, 0, 0);
        }
        double P(double q)
        {
            var rank = (long)Math.Ceiling(q * binned);
            long seen = 0;
            for (var b = 0; b < Bins; b++)
            {
                seen += histogram[b];
                if (seen >= rank)
                {
                    return Math.Round(UpperBound(b), 3);
                }
            }
            return Math.Round(UpperBound(Bins - 1), 3);
        }
        return new WindowSummary(window.TotalSeconds, count, Math.Round(count / (double)seconds, 2), Math.Round((double)errors / count, 4),
            P(0.50), P(0.95), P(0.99));
    }

    private long CurrentSecond() => _time.GetUtcNow().ToUnixTimeSeconds();

    internal static int Bin(double milliseconds) => milliseconds <= SmallestMs
        ? 0
        : Math.Min(Bins - 1, (int)Math.Ceiling(Math.Log(milliseconds / SmallestMs, Growth)));

    /// <summary>The largest latency a bin holds: percentiles are reported at most 10 % high, never low.</summary>
    internal static double UpperBound(int bin) => SmallestMs * Math.Pow(Growth, bin);
}

public sealed record WindowSummary(double WindowSeconds, long Requests, double RequestsPerSecond, double ErrorRate, double P50Ms, double P95Ms, double P99Ms);

public static class RequestWindowMiddleware
{
    public static IApplicationBuilder UseRequestWindow(this IApplicationBuilder app)
    {
        var window = app.ApplicationServices.GetRequiredService<RequestWindow>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                if (!context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive")
                    && !context.Request.Path.StartsWithSegments("/metrics"))
                {
                    window.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Response.StatusCode);
                }
            }
        });
    }
}
