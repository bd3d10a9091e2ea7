using ToolCatalog.Api.Telemetry;

namespace ToolCatalog.Api.Tests.Telemetry;

public sealed class RequestWindowTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Counts_every_request_whatever_the_rate_and_forgets_seconds_that_left_the_window()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var window = new RequestWindow(time);
        // 100,000 requests a second for 3 s: far more than any sample ring would keep.
        for (var s = 0; s < 3; s++)
        {
            for (var i = 0; i < 100_000; i++)
            {
                window.Record(i % 100 == 0 ? 20.0 : 1.0, i % 1000 == 0 ? 500 : 200);
            }
            time.Now += TimeSpan.FromSeconds(1);
        }
        time.Now -= TimeSpan.FromSeconds(1); // still inside the third second

        var minute = window.Summarize(TimeSpan.FromMinutes(1));
        Assert.Equal(300_000, minute.Requests);
        Assert.Equal(5_000, minute.RequestsPerSecond);
        Assert.Equal(0.001, minute.ErrorRate);
        Assert.InRange(minute.P50Ms, 1.0, 1.1);   // bins are 10 % wide, reported at their upper bound
        Assert.InRange(minute.P95Ms, 1.0, 1.1);
        Assert.InRange(minute.P99Ms, 1.0, 1.1);   // exactly 1 % are slow: the 99th percentile is still fast
        Assert.Equal(100_000, window.Summarize(TimeSpan.FromSeconds(1)).Requests);

        time.Now += TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        window.Record(3.0, 200);
        var later = window.Summarize(TimeSpan.FromMinutes(1));
        Assert.Equal(1, later.Requests);
        Assert.InRange(later.P99Ms, 3.0, 3.3);
        Assert.Equal(300_001, window.Summarize(TimeSpan.FromMinutes(5)).Requests);
        Assert.Equal(300_001, window.Total);
        Assert.Equal(300, window.Errors);

        // A slot is reused after five minutes: what it held must not leak into the new second.
        time.Now += TimeSpan.FromMinutes(5);
        Assert.Equal(0, window.Summarize(TimeSpan.FromMinutes(5)).Requests);
        window.Record(2.0, 200);
        Assert.Equal(1, window.Summarize(TimeSpan.FromMinutes(5)).Requests);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.5)]
    [InlineData(7.3)]
    [InlineData(250)]
    [InlineData(59_000)]
    public void A_latency_is_reported_at_most_ten_percent_high_and_never_low(double ms)
    {
        var bound = RequestWindow.UpperBound(RequestWindow.Bin(ms));
        Assert.InRange(bound, ms, Math.Max(ms * 1.1 + 1e-9, 0.01));
    }
}
