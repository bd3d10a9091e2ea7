using System.Reflection;
using System.Text;
using Spectre.Console.Testing;

namespace ToolCatalog.LoadTests.Tests;

/// <summary>The CI check: real PostgreSQL + Redis, the built API as a child process, a few imported tools, then smoke mode in-process.</summary>
public sealed class SmokeAgainstApiTests
{
    /// <summary>
    /// The read mix asks for /api/v1/performance/stats without a key; in Production that endpoint is admin-only by
    /// default, so these processes open it as an operator running the load suite would.
    /// </summary>
    private static readonly Dictionary<string, string?> ReadMixEnvironment = new() { ["Exposure__PerformanceStats"] = "Public" };

    [Fact]
    public async Task Smoke_run_against_a_real_api_writes_the_reports_and_evaluates_thresholds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(ct);
        await using var redis = await RedisServer.StartAsync(ct);
        var database = await postgres.CreateDatabaseAsync("loadsmoke", null, ct);

        var configuration = typeof(SmokeAgainstApiTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = ApiProcess.BuiltAssembly(configuration);
        Assert.True(File.Exists(dll), $"{dll} is built with this test project");
        await using var api = ApiProcess.Start("load-smoke", dll, postgres.ConnectionString(database), redis.ConnectionString,
            "loadsmoke-" + Guid.NewGuid().ToString("N")[..8], "load-smoke-admin-key", ReadMixEnvironment);
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));
        try
        {
            await api.WaitHealthyAsync(TimeSpan.FromSeconds(30), ct);

            // A few real catalog files as one YAML stream.
            var files = Directory.GetFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(12);
            var yaml = new StringBuilder();
            foreach (var file in files)
            {
                yaml.AppendLine("---").AppendLine(await File.ReadAllTextAsync(file, ct));
            }
            using (var imported = await api.Client.PostAsync("/api/v1/tools/import", new StringContent(yaml.ToString(), Encoding.UTF8, "application/yaml"), ct))
            {
                Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(ct));
            }

            var console = new TestConsole();
            var result = await LoadRun.RunAsync(new LoadOptions
            {
                BaseUrls = [api.BaseAddress],
                Smoke = true,
                ApiPid = api.ProcessId,
                OutDir = outDir,
                Seed = 3,
            }, console, ct);

            Assert.True(File.Exists(Path.Combine(outDir, "report.json")));
            Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
            Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
            var report = result.Report;
            Assert.True(report.Smoke);
            Assert.Equal(3, report.DurationSeconds);
            Assert.Equal(12, report.ToolNames);
            Assert.True(report.Overall.Requests > 0);
            Assert.Equal(0, report.Overall.Errors);
            Assert.Equal(6, report.Scenarios.Count);
            Assert.All(report.Scenarios, s => Assert.True(s.Requests > 0, s.Name));
            // Thresholds were evaluated (pass or fail both fine: CI never judges speed) and printed.
            Assert.Contains(report.Thresholds, t => t.Name == "P95 latency" && t.Status != ThresholdStatus.Skipped);
            Assert.Contains(report.Thresholds, t => t.Name == "error rate" && t.Status == ThresholdStatus.Pass);
            Assert.Contains(report.Thresholds, t => t.Name.StartsWith("API CPU", StringComparison.Ordinal) && t.Status != ThresholdStatus.Skipped);
            Assert.Contains("thresholds", console.Output, StringComparison.Ordinal);
            Assert.Equal(0, result.ExitCode); // smoke without --enforce never fails on thresholds
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Write_mix_smoke_across_two_replicas_writes_checks_every_read_and_cleans_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(ct);
        await using var redis = await RedisServer.StartAsync(ct);
        var database = await postgres.CreateDatabaseAsync("writemix", null, ct);
        var configuration = typeof(SmokeAgainstApiTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = ApiProcess.BuiltAssembly(configuration);
        // Two replicas of one deployment: same database, same cache prefix (so the same invalidation channel).
        var prefix = "writemix-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = ApiProcess.Start("writemix-a", dll, postgres.ConnectionString(database), redis.ConnectionString, prefix, "writemix-admin-key", ReadMixEnvironment);
        await using var b = ApiProcess.Start("writemix-b", dll, postgres.ConnectionString(database), redis.ConnectionString, prefix, "writemix-admin-key", ReadMixEnvironment);
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));
        try
        {
            await Task.WhenAll(a.WaitHealthyAsync(TimeSpan.FromSeconds(30), ct), b.WaitHealthyAsync(TimeSpan.FromSeconds(30), ct));
            var yaml = string.Join("\n---\n", Directory.GetFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).Take(6).Select(File.ReadAllText));
            using (var imported = await a.Client.PostAsync("/api/v1/tools/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"), ct))
            {
                Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(ct));
            }

            var result = await LoadRun.RunAsync(new LoadOptions
            {
                BaseUrls = [a.BaseAddress, b.BaseAddress],
                Suite = Suite.WriteMix,
                ApiKey = "writemix-admin-key",
                Users = 5,
                Warmup = TimeSpan.Zero,
                Duration = TimeSpan.FromSeconds(4),
                // The behaviour under test is "a write reaches the other replica", not how fast: cold processes on a
                // busy CI machine may take far longer than the 50 ms the load suite judges by, so the bound is generous.
                InvalidationLag = TimeSpan.FromSeconds(2),
                Writers = 2,
                OutDir = outDir,
                Seed = 5,
            }, new TestConsole(), ct);

            var report = result.Report;
            var consistency = Assert.IsType<ConsistencyReport>(report.Consistency);
            Assert.Equal(2, consistency.Tools.Count);
            var puts = report.Scenarios.Single(s => s.Name == Mix.PutVersion);
            Assert.True(puts.Requests > 0, "no PUT was sent");
            Assert.Equal(0, puts.Errors);
            Assert.True(consistency.Writes >= puts.Requests, $"{consistency.Writes} writes acknowledged, {puts.Requests} measured");
            Assert.True(consistency.Checks > 0, "no cross-replica read was checked");
            Assert.Equal(0, consistency.Violations);
            Assert.Contains(report.Thresholds, t => t.Name.StartsWith("stale", StringComparison.Ordinal) && t.Status == ThresholdStatus.Pass);
            // One write due per 99 picked requests (no warm-up, so every request is in the report).
            var picked = report.Scenarios.Where(s => s.Name != Mix.PutVersion).Sum(s => s.Requests);
            Assert.Equal(picked / 99, consistency.WritesDue);
            Assert.Equal(consistency.WritesDue, consistency.Writes + consistency.WritesBehind);
            Assert.Contains("write-mix", await File.ReadAllTextAsync(Path.Combine(outDir, "report.md"), ct), StringComparison.Ordinal);

            // The load-test tools are gone again.
            foreach (var tool in consistency.Tools)
            {
                using var gone = await b.Client.GetAsync($"/api/v1/tools/{tool}", ct);
                Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
            }
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
