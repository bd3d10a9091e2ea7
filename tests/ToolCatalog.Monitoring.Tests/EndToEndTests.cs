using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>
/// The guard against dashboards and alerts on metrics that do not exist: two real API processes on a real PostgreSQL
/// and Redis get traffic (and the failures some metrics only appear after), a real Prometheus scrapes them and
/// evaluates alerts.yml, and every query of the dashboard and of every alert must return series.
/// </summary>
public sealed partial class EndToEndTests
{
    /// <summary>Set on every process this test starts, so it can check none is left behind.</summary>
    public const string MarkerVariable = "TOOLCATALOG_MONITORING_E2E";

    private const string AdminKey = "monitoring-e2e-admin-key";
    private const string InvalidTool = "tool_name: monitoring-broken-tool\nversion: not-a-version\n";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 240_000)]
    public async Task Every_dashboard_and_alert_query_returns_series_scraped_from_two_real_replicas()
    {
        var prometheusPath = ExternalTool.Find("prometheus");
        if (prometheusPath is null)
        {
            Assert.Skip("prometheus is not installed (not found on PATH), so the dashboard and alert queries cannot be evaluated against "
                + "real replicas here. Install it (Debian/Ubuntu: apt-get install prometheus) to run this test; CI installs it.");
        }
        Assert.True(File.Exists(MonitoringFiles.ApiAssembly),
            $"{MonitoringFiles.ApiAssembly} not found: the project reference to ToolCatalog.Api should have built it");
        var marker = Guid.NewGuid().ToString("N");
        var apiCopy = Path.Combine(Path.GetTempPath(), "toolcatalog-tests", "api-" + marker[..12]);
        try
        {
            await RunAsync(prometheusPath, ApiReplica.CopyBuild(apiCopy), marker, TestContext.Current.CancellationToken);
        }
        finally
        {
            try
            {
                Directory.Delete(apiCopy, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder.
            }
        }

        var left = (await ProcessTable.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(10), CancellationToken.None)).Select(p => $"{p.Pid}: {p.CommandLine}").ToList();
        Assert.True(left.Count == 0, "processes left behind: " + string.Join("; ", left));
    }

    private static async Task RunAsync(string prometheusPath, string apiAssembly, string marker, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var log = TestContext.Current.TestOutputHelper;
        void Log(string message) => log?.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F1} s] {message}");

        await using var redis = await RedisServer.StartAsync(ct);
        await using var postgres = await PostgresServer.StartAsync(ct);
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("monitoring", null, ct));
        var prefix = "mon" + Guid.NewGuid().ToString("N")[..10];
        Log($"PostgreSQL on {postgres.Port}, Redis ({redis.Kind}) on {redis.Port}");

        await using var a = ApiReplica.Start("api-a", apiAssembly, database, redis.ConnectionString, prefix, AdminKey, marker);
        await using var b = ApiReplica.Start("api-b", apiAssembly, database, redis.ConnectionString, prefix, AdminKey, marker);
        await using var prometheus = PrometheusServer.Start(prometheusPath, [a.Target, b.Target], marker, AdminKey);
        string Diagnostics() => string.Join('\n', a.Output, b.Output, prometheus.Output);
        await Task.WhenAll(a.WaitHealthyAsync(Step, ct), b.WaitHealthyAsync(Step, ct), prometheus.WaitReadyAsync(Step, ct));
        Log($"replicas on {a.Target} and {b.Target}, Prometheus on {prometheus.Port}");

        await NormalTrafficAsync(a, b, Diagnostics, ct);
        Log("normal traffic done: import, reads on both replicas, 404s, writes, a manual reload");

        var notProduced = await CauseFailuresAsync(redis, postgres, a, b, prefix, Diagnostics, Log, ct);
        await QueryEveryPanelAndAlertAsync(prometheus, a, b, notProduced, Diagnostics, Log, ct);
    }

    /// <summary>An import of the whole catalog (plus one invalid document), reads on both replicas, 404s, writes and a reload.</summary>
    private static async Task NormalTrafficAsync(ApiReplica a, ApiReplica b, Func<string> diagnostics, CancellationToken ct)
    {
        var files = Directory.EnumerateFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var body = string.Join("\n---\n", files.Select(File.ReadAllText).Append(InvalidTool));
        using (var import = await a.Client.PostAsync("/api/v1/tools/import", Yaml(body), ct))
        {
            var report = await import.Content.ReadAsStringAsync(ct);
            Assert.True(import.StatusCode == HttpStatusCode.OK, $"import answered {(int)import.StatusCode}: {report}\n{diagnostics()}");
        }
        var names = files.Select(f => ToolName().Match(File.ReadAllText(f)).Groups[1].Value).Where(n => n.Length > 0).ToList();
        Assert.True(names.Count > 20, "tool names not found in the catalog files");
        await Eventually.HoldsAsync("b serves the imported catalog", async () =>
        {
            using var response = await b.Client.GetAsync($"/api/v1/tools/{names[^1]}", ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, Step, diagnostics, ct);

        string[] pages = ["/api/v1/tools", "/api/v1/tools?platform=linux", "/api/v1/search?q=restart", "/api/v1/platforms", "/api/v1/categories"];
        foreach (var replica in (ApiReplica[])[a, b])
        {
            foreach (var path in pages.Concat(pages).Concat(names.Take(20).Select(n => $"/api/v1/tools/{n}")))
            {
                using var response = await replica.Client.GetAsync(path, ct);
                Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}");
            }
            for (var i = 0; i < 5; i++)
            {
                using var missing = await replica.Client.GetAsync($"/api/v1/tools/no-such-tool-{i}", ct);
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            }
        }
        // b read the entries a had just put in Redis (L2 hits); if a wrote them late, read fresh ones until it shows.
        var next = 20;
        await Eventually.HoldsAsync("an L2 (Redis) hit on b", async () =>
        {
            if (await b.HasSampleAsync("toolcatalog_cache_requests_total", ["result=\"l2_hit\""], null, ct))
            {
                return true;
            }
            // Version lists are cached (tool reads come from the snapshot and never touch the cache).
            var name = names[next++ % names.Count];
            (await a.Client.GetAsync($"/api/v1/tools/{name}/versions", ct)).Dispose();
            await Task.Delay(100, ct);
            (await b.Client.GetAsync($"/api/v1/tools/{name}/versions", ct)).Dispose();
            return false;
        }, Step, diagnostics, ct);

        foreach (var version in (string[])["1.0.1", "1.0.2", "1.0.3"])
        {
            using var put = await a.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion(version)), ct);
            Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT systemctl {version} answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(ct)}");
        }
        await Eventually.HoldsAsync("b serves the new systemctl version", async () =>
        {
            using var response = await b.Client.GetAsync("/api/v1/tools/systemctl", ct);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(ct)).Contains("\"1.0.3\"", StringComparison.Ordinal);
        }, Step, diagnostics, ct);
        using (var reload = await a.Client.PostAsync("/api/v1/reload", null, ct))
        {
            Assert.True(reload.StatusCode == HttpStatusCode.OK, $"reload answered {(int)reload.StatusCode}\n{diagnostics()}");
        }
        await UntilSampleAsync(b, "toolcatalog_invalidation_lag_milliseconds_count", [], null, diagnostics, ct);
    }

    /// <summary>Denies or allows PUBLISH for Redis' default user; false when the server has no such ACL (Garnet).</summary>
    private static async Task<bool> SetPublishAllowedAsync(RedisServer redis, bool allowed, CancellationToken ct)
    {
        try
        {
            await using var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true,abortConnect=false");
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", allowed ? "+publish" : "-publish").WaitAsync(ct);
            return true;
        }
        catch (RedisException) when (redis.Kind != "redis-server")
        {
            return false;
        }
    }

    private static async Task UntilSampleAsync(ApiReplica replica, string metric, string[] labels, string? value, Func<string> diagnostics,
        CancellationToken ct) =>
        await Eventually.HoldsAsync($"{replica.Target} /metrics: {metric}{{{string.Join(',', labels)}}}{(value is null ? "" : " " + value)}",
            () => replica.HasSampleAsync(metric, labels, value, ct), Step, diagnostics, ct);

    private static string SystemctlVersion(string version) =>
        File.ReadAllText(Path.Combine(RepoPaths.Catalog, "linux", "systemctl.yaml"))
            .Replace("version: \"1.0.0\"", $"version: \"{version}\"", StringComparison.Ordinal);

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static double Value(JsonElement sample) =>
        double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^tool_name:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ToolName();
}
