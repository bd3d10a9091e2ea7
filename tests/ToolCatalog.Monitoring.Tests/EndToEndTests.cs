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

        // Metrics that only exist once something went wrong: cause each failure for real.
        await using (var publisher = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},abortConnect=false"))
        {
            await publisher.GetSubscriber().PublishAsync(RedisChannel.Literal($"{prefix}:v1:invalidate"), "not an invalidation message");
        }
        await UntilSampleAsync(b, "toolcatalog_invalidation_messages_total", ["direction=\"received\"", "outcome=\"invalid\""], null, Diagnostics, ct);
        Log("garbage published on the invalidation channel");

        // A publish that fails while the rest of Redis works (the API's catch: RedisException): deny PUBLISH by ACL, write on
        // a (committed, announced to nobody), allow it again and write once more: b sees the hole and catches up.
        var notProduced = new List<string>();
        if (await SetPublishAllowedAsync(redis, allowed: false, ct))
        {
            using (var put = await a.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.4")), ct))
            {
                Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT with PUBLISH denied answered {(int)put.StatusCode}\n{Diagnostics()}");
            }
            await UntilSampleAsync(a, "toolcatalog_invalidation_messages_total", ["direction=\"sent\"", "outcome=\"failed\""], null, Diagnostics, ct);
            Assert.True(await SetPublishAllowedAsync(redis, allowed: true, ct), "could not allow PUBLISH again");
            using (var put = await a.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.5")), ct))
            {
                Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT after PUBLISH allowed again answered {(int)put.StatusCode}\n{Diagnostics()}");
            }
            await UntilSampleAsync(b, "toolcatalog_invalidation_catchups_total", ["reason=\"gap\""], null, Diagnostics, ct);
            Log("a failed to publish a change; b caught up from PostgreSQL when the next message showed the gap");
        }
        else
        {
            // Only with the Garnet fallback (no redis-server installed): these two series cannot be produced here.
            notProduced.AddRange(["outcome=\"failed\"", "toolcatalog_invalidation_catchups_total"]);
            Log($"{redis.Kind} cannot deny PUBLISH by ACL: not checking {string.Join(", ", notProduced)}");
        }

        await postgres.StopAsync(ct);
        using (var stale = await b.Client.GetAsync("/api/v1/tools/systemctl", ct))
        {
            Assert.True(stale.StatusCode == HttpStatusCode.OK, $"a cached read with PostgreSQL stopped answered {(int)stale.StatusCode}");
        }
        using (var reload = await a.Client.PostAsync("/api/v1/reload", null, ct))
        {
            Assert.True((int)reload.StatusCode >= 500, $"a reload with PostgreSQL stopped answered {(int)reload.StatusCode}\n{Diagnostics()}");
        }
        using (var write = await b.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.6")), ct))
        {
            Assert.True((int)write.StatusCode >= 500, $"a write with PostgreSQL stopped answered {(int)write.StatusCode}\n{Diagnostics()}");
        }
        await UntilSampleAsync(a, "toolcatalog_reloads_total", ["result=\"failed\""], null, Diagnostics, ct);
        await UntilSampleAsync(a, "toolcatalog_serving_stale", [], "1", Diagnostics, ct);
        Log("PostgreSQL outage: a failed reload, 503s, stale serving");

        // Three more scrapes of both replicas, so rates over the newest series have samples to work with.
        var lastEvent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await Eventually.HoldsAsync("three scrapes of both replicas after the last event", async () =>
        {
            var scrapes = await prometheus.QueryAsync($"timestamp(up{{job=\"{PrometheusServer.Job}\"}} == 1)", ct);
            return scrapes.Count == 2 && scrapes.All(s => Value(s) > lastEvent + 3);
        }, Step, Diagnostics, ct);
        await Eventually.HoldsAsync("every alert rule evaluated since", async () =>
            (await prometheus.AlertRulesAsync(ct)).All(r => r.Evaluated), Step, Diagnostics, ct);
        Log("Prometheus has scraped everything");

        var failures = new List<string>();
        var evaluated = 0;
        async Task ExpectSeriesAsync(string what, string promql, bool mustHaveSeries)
        {
            evaluated++;
            try
            {
                var result = await prometheus.QueryAsync(promql, ct);
                if (mustHaveSeries && result.Count == 0 && !notProduced.Any(n => promql.Contains(n, StringComparison.Ordinal)))
                {
                    failures.Add($"{what}: no series for {promql}");
                }
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{what}: {ex.Message}");
            }
        }

        // Grafana's variables: label_values(toolcatalog_tools_loaded, job|instance) must list both replicas.
        var variableSeries = await prometheus.QueryAsync("count by (job, instance) (toolcatalog_tools_loaded)", ct);
        Assert.True(variableSeries.Count == 2 && variableSeries.All(s => s.GetProperty("metric").GetProperty("job").GetString() == PrometheusServer.Job),
            $"toolcatalog_tools_loaded should give the job and instance variables both replicas: {JsonSerializer.Serialize(variableSeries)}");

        var instances = "(" + string.Join('|', new[] { a, b }.Select(r => r.Target.Replace(".", @"\\.", StringComparison.Ordinal))) + ")";
        foreach (var query in RuleFiles.LoadDashboardQueries())
        {
            var promql = query.Expr
                .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                .Replace("$instance", instances, StringComparison.Ordinal)
                .Replace("$job", $"({PrometheusServer.Job})", StringComparison.Ordinal);
            await ExpectSeriesAsync($"dashboard panel '{query.Panel}' {query.RefId}", promql, mustHaveSeries: true);
        }

        foreach (var rule in RuleFiles.LoadAlerts())
        {
            var selectors = PromQl.Selectors(rule.Expr);
            if (selectors.Count == 0)
            {
                failures.Add($"alert {rule.Alert}: no metric selector found in {rule.Expr}");
            }
            foreach (var selector in selectors)
            {
                // Offsets dropped: the selector on its own, now.
                await ExpectSeriesAsync($"alert {rule.Alert}, selector", selector.Text, mustHaveSeries: true);
            }
            var lhs = PromQl.LeftOfComparison(rule.Expr) ?? rule.Expr;
            // A comparison with an hour ago has nothing to compare with in a Prometheus that is seconds old: its
            // selectors are checked above; the expression must still be accepted.
            await ExpectSeriesAsync($"alert {rule.Alert}, left-hand side", lhs, mustHaveSeries: !selectors.Any(s => s.HasOffset));
        }

        foreach (var (name, health, error, _) in await prometheus.AlertRulesAsync(ct))
        {
            if (health != "ok")
            {
                failures.Add($"alert {name}: Prometheus evaluates it with health '{health}': {error}");
            }
        }
        Log($"{evaluated} queries evaluated, {failures.Count} failed");

        Assert.True(failures.Count == 0, $"{failures.Count} of {evaluated} queries failed:\n{string.Join('\n', failures)}\n\n{Diagnostics()}");
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
            var name = names[next++ % names.Count];
            (await a.Client.GetAsync($"/api/v1/tools/{name}", ct)).Dispose();
            await Task.Delay(100, ct);
            (await b.Client.GetAsync($"/api/v1/tools/{name}", ct)).Dispose();
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
