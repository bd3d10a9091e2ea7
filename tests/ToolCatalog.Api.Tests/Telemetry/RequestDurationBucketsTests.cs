using System.Globalization;
using System.Text.RegularExpressions;
using ToolCatalog.Api.Tests.Api;

namespace ToolCatalog.Api.Tests.Telemetry;

/// <summary>
/// The request duration histogram Prometheus scrapes resolves the catalog's own latencies: a cached read takes a tenth of
/// a millisecond, so bounds that start at 5 ms would put every read in one bucket and make the dashboard's percentiles up.
/// </summary>
public sealed partial class RequestDurationBucketsTests(EmptyCatalogHost fixture) : IClassFixture<EmptyCatalogHost>
{
    [Fact]
    public async Task Scraped_request_durations_have_bounds_below_a_millisecond_and_keep_the_default_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        using var read = await host.Anonymous.GetAsync(ApiTestHost.ToolsPath, ct);
        read.EnsureSuccessStatusCode();

        var scrape = await host.Admin.GetStringAsync("/metrics", ct);

        var bounds = BucketBound().Matches(scrape).Select(m => m.Groups[1].Value).Where(v => v != "+Inf")
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        Assert.NotEmpty(bounds);
        Assert.Contains(bounds, b => b <= 0.0001);
        Assert.Contains(bounds, b => b is > 0.0001 and < 0.001);
        // ASP.NET Core's own bounds stay: the alerts' thresholds (p95 over 0.2 s, p99 over 0.5 s) interpolate between them.
        Assert.Empty(AspNetCoreBounds.Except(bounds));
    }

    private static readonly double[] AspNetCoreBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    [GeneratedRegex("""^http_server_request_duration_seconds_bucket\{[^}]*le="([^"]+)"\}""", RegexOptions.Multiline)]
    private static partial Regex BucketBound();
}
