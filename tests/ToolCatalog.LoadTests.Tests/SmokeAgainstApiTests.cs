using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
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

        const string key = "load-smoke-admin-key";
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var port = PostgresServer.FreePort();
        var configuration = typeof(SmokeAgainstApiTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepoPaths.Root, "ToolCatalog.Api", "bin", configuration, "net10.0", "ToolCatalog.Api.dll");
        Assert.True(File.Exists(dll), $"{dll} is built with this test project");

        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        psi.Environment["ConnectionStrings__catalogdb"] = postgres.ConnectionString(database);
        psi.Environment["ConnectionStrings__cache"] = redis.ConnectionString;
        psi.Environment["Cache__Prefix"] = "loadsmoke-" + Guid.NewGuid().ToString("N")[..8];
        psi.Environment["Auth__ApiKeys__0__Name"] = "load-smoke";
        psi.Environment["Auth__ApiKeys__0__Role"] = "admin";
        psi.Environment["Auth__ApiKeys__0__Sha256"] = sha;
        using var api = Process.Start(psi)!;
        var log = new StringBuilder();
        api.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        api.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        var outDir = Path.Combine(Path.GetTempPath(), "toolcatalog-loadtests", Guid.NewGuid().ToString("N"));
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient { BaseAddress = baseUrl };
            await WaitHealthyAsync(http, api, log, ct);

            // A few real catalog files as one YAML stream.
            var files = Directory.GetFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(12);
            var yaml = new StringBuilder();
            foreach (var file in files)
            {
                yaml.AppendLine("---").AppendLine(await File.ReadAllTextAsync(file, ct));
            }
            using var import = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tools/import") { Content = new StringContent(yaml.ToString(), Encoding.UTF8, "application/yaml") };
            import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using (var imported = await http.SendAsync(import, ct))
            {
                Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(ct));
            }

            var console = new TestConsole();
            var result = await LoadRun.RunAsync(new LoadOptions
            {
                BaseUrls = [baseUrl],
                Smoke = true,
                ApiPid = api.Id,
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
            if (!api.HasExited)
            {
                api.Kill(entireProcessTree: true);
                await api.WaitForExitAsync(CancellationToken.None);
            }
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process api, StringBuilder log, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(api.HasExited, "the API exited: " + log);
            try
            {
                using var response = await http.GetAsync("/health", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the API did not become healthy: " + log);
            await Task.Delay(100, ct);
        }
    }
}
