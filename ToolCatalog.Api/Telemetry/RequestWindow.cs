using System.Diagnostics;

namespace ToolCatalog.Api.Telemetry;

/// <summary>
/// The last requests this replica served (a fixed ring, newest overwriting oldest), for the JSON metrics summary's
/// sliding-window latency percentiles and error rate. Prometheus gets the full histograms from OpenTelemetry.
/// </summary>
public sealed class RequestWindow
{
    private const int Capacity = 65_536;
    private readonly (long Timestamp, float Ms, short Status)[] _ring = new (long, float, short)[Capacity];
    private long _next;
    private long _total;
    private long _errors;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public long Total => Interlocked.Read(ref _total);
    public long Errors => Interlocked.Read(ref _errors);

    public void Record(double milliseconds, int status)
    {
        var slot = (int)((Interlocked.Increment(ref _next) - 1) % Capacity);
        _ring[slot] = (Stopwatch.GetTimestamp(), (float)milliseconds, (short)status);
        Interlocked.Increment(ref _total);
        if (status >= 500)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public WindowSummary Summarize(TimeSpan window)
    {
        var cutoff = Stopwatch.GetTimestamp() - (long)(window.TotalSeconds * Stopwatch.Frequency);
        var samples = _ring.Where(s => s.Timestamp != 0 && s.Timestamp >= cutoff).ToArray();
        if (samples.Length == 0)
        {
            return new WindowSummary(window.TotalSeconds, 0, 0, 0, 0, 0, 0);
        }
        var sorted = samples.Select(s => (double)s.Ms).Order().ToArray();
        double P(double q) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 3);
        var errors = samples.Count(s => s.Status >= 500);
        return new WindowSummary(window.TotalSeconds, samples.Length, Math.Round(samples.Length / window.TotalSeconds, 2),
            Math.Round((double)errors / samples.Length, 4), P(0.50), P(0.95), P(0.99));
    }
}

public sealed record WindowSummary(double WindowSeconds, int Requests, double RequestsPerSecond, double ErrorRate, double P50Ms, double P95Ms, double P99Ms);

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
