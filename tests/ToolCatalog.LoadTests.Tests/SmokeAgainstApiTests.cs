using System.Reflection;
using System.Text;
using Spectre.Console.Testing;

namespace ToolCatalog.LoadTests.Tests;

/// <summary>The CI check: real PostgreSQL + Redis, the built API as a child process, a few imported tools, then smoke mode in-process.</summary>
public sealed class SmokeAgainstApiTests
{
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
            "loadsmoke-" + Guid.NewGuid().ToString("N")[..8], "load-smoke-admin-key");
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
}
