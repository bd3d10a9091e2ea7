using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

public sealed partial class EndToEndTests
{
    /// <summary>
    /// Metrics that only exist once something went wrong, each failure caused for real: garbage on the invalidation
    /// channel, a publish denied by Redis ACL (then the gap caught up), a PostgreSQL outage. Returns the series this Redis
    /// cannot produce (Garnet has no ACL), which the queries then do not require.
    /// </summary>
    private static async Task<List<string>> CauseFailuresAsync(RedisServer redis, PostgresServer postgres, ApiReplica a, ApiReplica b,
        string prefix, Func<string> diagnostics, Action<string> log, CancellationToken ct)
    {
        await using (var publisher = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},abortConnect=false"))
        {
            await publisher.GetSubscriber().PublishAsync(RedisChannel.Literal($"{prefix}:v1:invalidate"), "not an invalidation message");
        }
        await UntilSampleAsync(b, "toolcatalog_invalidation_messages_total", ["direction=\"received\"", "outcome=\"invalid\""], null, diagnostics, ct);
        log("garbage published on the invalidation channel");

        // A publish that fails while the rest of Redis works (the API's catch: RedisException): deny PUBLISH by ACL and write on
        // a (committed, announced to nobody yet), then on b (b now holds a later revision than one it never heard of: a
        // gap it catches up from PostgreSQL), then allow PUBLISH again: both send what they could not.
        var notProduced = new List<string>();
        if (await SetPublishAllowedAsync(redis, allowed: false, ct))
        {
            using (var put = await a.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.4")), ct))
            {
                Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT with PUBLISH denied answered {(int)put.StatusCode}\n{diagnostics()}");
            }
            await UntilSampleAsync(a, "toolcatalog_invalidation_messages_total", ["direction=\"sent\"", "outcome=\"failed\""], null, diagnostics, ct);
            using (var put = await b.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.5")), ct))
            {
                Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT on b with PUBLISH denied answered {(int)put.StatusCode}\n{diagnostics()}");
            }
            await UntilSampleAsync(b, "toolcatalog_invalidation_catchups_total", ["reason=\"gap\""], null, diagnostics, ct);
            Assert.True(await SetPublishAllowedAsync(redis, allowed: true, ct), "could not allow PUBLISH again");
            await UntilSampleAsync(a, "toolcatalog_invalidation_messages_total", ["direction=\"sent\"", "outcome=\"resent\""], null, diagnostics, ct);
            log("a failed to publish a change; b caught up from PostgreSQL when its own later write showed the gap; a sent it once PUBLISH was back");
        }
        else
        {
            // Only with the Garnet fallback (no redis-server installed): these series cannot be produced here.
            notProduced.AddRange(["outcome=\"failed\"", "outcome=\"resent\"", "toolcatalog_invalidation_catchups_total"]);
            log($"{redis.Kind} cannot deny PUBLISH by ACL: not checking {string.Join(", ", notProduced)}");
        }

        await postgres.StopAsync(ct);
        using (var stale = await b.Client.GetAsync("/api/v1/tools/systemctl", ct))
        {
            Assert.True(stale.StatusCode == HttpStatusCode.OK, $"a cached read with PostgreSQL stopped answered {(int)stale.StatusCode}");
        }
        using (var reload = await a.Client.PostAsync("/api/v1/reload", null, ct))
        {
            Assert.True((int)reload.StatusCode >= 500, $"a reload with PostgreSQL stopped answered {(int)reload.StatusCode}\n{diagnostics()}");
        }
        using (var write = await b.Client.PutAsync("/api/v1/tools/systemctl", Yaml(SystemctlVersion("1.0.6")), ct))
        {
            Assert.True((int)write.StatusCode >= 500, $"a write with PostgreSQL stopped answered {(int)write.StatusCode}\n{diagnostics()}");
        }
        await UntilSampleAsync(a, "toolcatalog_reloads_total", ["result=\"failed\""], null, diagnostics, ct);
        await UntilSampleAsync(a, "toolcatalog_serving_stale", [], "1", diagnostics, ct);
        log("PostgreSQL outage: a failed reload, 503s, stale serving");
        return notProduced;
    }

    /// <summary>Every dashboard query and every alert (its selectors and left-hand side) must return series; every rule must be healthy.</summary>
    private static async Task QueryEveryPanelAndAlertAsync(PrometheusServer prometheus, ApiReplica a, ApiReplica b, List<string> notProduced,
        Func<string> diagnostics, Action<string> log, CancellationToken ct)
    {
        await WaitForScrapesAfterLastEventAsync(prometheus, diagnostics, log, ct);
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
        log($"{evaluated} queries evaluated, {failures.Count} failed");

        Assert.True(failures.Count == 0, $"{failures.Count} of {evaluated} queries failed:\n{string.Join('\n', failures)}\n\n{diagnostics()}");
    }

    /// <summary>Three more scrapes of both replicas, so rates over the newest series have samples; every alert rule evaluated since.</summary>
    private static async Task WaitForScrapesAfterLastEventAsync(PrometheusServer prometheus, Func<string> diagnostics, Action<string> log,
        CancellationToken ct)
    {
        var lastEvent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await Eventually.HoldsAsync("three scrapes of both replicas after the last event", async () =>
        {
            var scrapes = await prometheus.QueryAsync($"timestamp(up{{job=\"{PrometheusServer.Job}\"}} == 1)", ct);
            return scrapes.Count == 2 && scrapes.All(s => Value(s) > lastEvent + 3);
        }, Step, diagnostics, ct);
        await Eventually.HoldsAsync("every alert rule evaluated since", async () =>
            (await prometheus.AlertRulesAsync(ct)).All(r => r.Evaluated), Step, diagnostics, ct);
        log("Prometheus has scraped everything");
    }
}
