using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Spectre.Console.Testing;

namespace ToolCatalog.LoadTests.Tests;

/// <summary>A tiny Kestrel app on a free loopback port: every route answers a one-tool list after <c>delay</c>, one request at a time.</summary>
internal sealed class FakeTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _serial = new(1, 1);

    public Uri BaseUrl { get; }
    public int Served;

    private FakeTarget(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeTarget> StartAsync(TimeSpan delay, bool serialize, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{PostgresServer.FreePort()}");
        var app = builder.Build();
        FakeTarget? self = null;
        app.Run(async context =>
        {
            if (serialize)
            {
                await self!._serial.WaitAsync(context.RequestAborted);
            }
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                Interlocked.Increment(ref self!.Served);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"items":[{"name":"dig"},{"name":"kubectl"}],"version":"1.0.0"}""", context.RequestAborted);
            }
            finally
            {
                if (serialize)
                {
                    self!._serial.Release();
                }
            }
        });
        await app.StartAsync(cancellationToken);
        self = new FakeTarget(app, new Uri(app.Urls.First() + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _serial.Dispose();
    }
}

public sealed class OpenModelTests
{
    [Fact]
    public async Task Open_model_latency_counts_from_the_due_time_so_queueing_shows()
    {
        var ct = TestContext.Current.CancellationToken;
        // The target serves one request at a time in 20 ms: at most 50 req/s. We ask for 100 req/s for 1 s.
        await using var target = await FakeTarget.StartAsync(TimeSpan.FromMilliseconds(20), serialize: true, ct);
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));

        var result = await LoadRun.RunAsync(new LoadOptions
        {
            BaseUrls = [target.BaseUrl],
            Rate = 100,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(1),
            Seed = 1,
            OutDir = outDir,
        }, new TestConsole(), ct);

        var overall = result.Report.Overall;
        Assert.InRange(overall.Requests, 95, 101);
        Assert.Equal(0, overall.Errors);
        // Service time is 20 ms, but the 100 requests need ~2 s of service: the ones due late in the second waited
        // ~1 s behind the others. Measured from send time, the max would be about 20-40 ms.
        Assert.True(overall.Latency.Max > 700, $"max {overall.Latency.Max} ms should include ~1 s of queueing");
        Assert.True(overall.Latency.P50 > 200, $"p50 {overall.Latency.P50} ms should include queueing");
        // The queueing was the server's: the generator itself sent every request close to when it was due.
        var dispatch = Assert.IsType<LatencySummary>(result.Report.DispatchDelay);
        Assert.True(dispatch.P50 < overall.Latency.P50 / 4, $"dispatch p50 {dispatch.P50} ms vs latency p50 {overall.Latency.P50} ms");
        Assert.Equal(ThresholdStatus.Fail, result.Report.Thresholds.Single(t => t.Name == "P95 latency").Status);
        Assert.Equal(1, result.ExitCode); // not smoke: thresholds are enforced
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task Closed_model_with_think_time_is_paced_by_its_users()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await FakeTarget.StartAsync(TimeSpan.Zero, serialize: false, ct);
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));

        var result = await LoadRun.RunAsync(new LoadOptions
        {
            BaseUrls = [target.BaseUrl],
            Users = 4,
            ThinkTime = TimeSpan.FromMilliseconds(100),
            Warmup = TimeSpan.FromMilliseconds(300),
            Duration = TimeSpan.FromSeconds(1),
            OutDir = outDir,
        }, new TestConsole(), ct);

        // 4 users, one request per ~100 ms each: about 40 measured requests; the warm-up ones were run but not recorded.
        Assert.InRange(result.Report.Overall.Requests, 25, 48);
        Assert.Null(result.Report.DispatchDelay); // closed model: nothing is due, users send when ready
        Assert.True(target.Served > result.Report.Overall.Requests + 4);
        Directory.Delete(outDir, recursive: true);
    }
}

public sealed class ReportTests
{
    [Fact]
    public async Task The_three_reports_are_written_and_the_html_is_self_contained_with_svg_charts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await FakeTarget.StartAsync(TimeSpan.FromMilliseconds(1), serialize: false, ct);
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));

        var result = await LoadRun.RunAsync(new LoadOptions
        {
            BaseUrls = [target.BaseUrl],
            Users = 3,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(2),
            ApiPid = Environment.ProcessId, // sample ourselves: the resource charts are drawn too
            OutDir = outDir,
        }, new TestConsole(), ct);

        Assert.True(File.Exists(result.JsonPath));
        Assert.True(File.Exists(result.MarkdownPath));
        var html = await File.ReadAllTextAsync(result.HtmlPath, ct);
        Assert.DoesNotMatch(new Regex("""(src|href)\s*=\s*["']?\s*(https?:)?//""", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(Regex.Count(html, "<svg ") >= 3, "latency, throughput and percentile charts");
        Assert.Contains("latency per second", html, StringComparison.Ordinal);
        Assert.Contains("requests per second", html, StringComparison.Ordinal);
        Assert.Contains("latency by percentile", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(result.MarkdownPath, ct);
        foreach (var scenario in new[] { Mix.ListTools, Mix.SearchByName, Mix.GetTool, Mix.EnabledTools, Mix.LatestVersions, Mix.PerformanceStats })
        {
            Assert.Contains(scenario, markdown, StringComparison.Ordinal);
        }
        Assert.NotEmpty(result.Report.Resources);
        Directory.Delete(outDir, recursive: true);
    }
}
