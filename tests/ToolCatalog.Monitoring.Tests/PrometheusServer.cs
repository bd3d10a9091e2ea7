using System.Globalization;
using System.Text;
using System.Text.Json;
using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>
/// A real Prometheus for the end-to-end test: its own data folder, a generated configuration that scrapes the given
/// targets every second as job toolcatalog-api and evaluates monitoring/prometheus/alerts.yml every second.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "toolcatalog-api";

    private readonly ChildProcess _process;
    private readonly string _root;

    public int Port { get; }
    public HttpClient Client { get; }
    public string Output => _process.Output;

    private PrometheusServer(ChildProcess process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Scrapes <paramref name="targets"/> sending <paramref name="apiKey"/>: in Production /metrics needs a key.</summary>
    public static PrometheusServer Start(string prometheus, IEnumerable<string> targets, string marker, string apiKey)
    {
        var root = Path.Combine(Path.GetTempPath(), "toolcatalog-tests", "prometheus-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "prometheus.yml");
        var yaml = new StringBuilder()
            .AppendLine("global:")
            .AppendLine("  scrape_interval: 1s")
            .AppendLine("  scrape_timeout: 1s")
            .AppendLine("  evaluation_interval: 1s")
            .AppendLine("rule_files:")
            .AppendLine($"  - '{MonitoringFiles.Alerts}'")
            .AppendLine("scrape_configs:")
            .AppendLine($"  - job_name: {Job}")
            .AppendLine("    metrics_path: /metrics")
            .AppendLine("    authorization:")
            .AppendLine($"      credentials: '{apiKey}'")
            .AppendLine("    static_configs:")
            .AppendLine("      - targets:");
        foreach (var target in targets)
        {
            yaml.AppendLine($"          - '{target}'");
        }
        File.WriteAllText(config, yaml.ToString());
        var port = PostgresServer.FreePort();
        var process = ChildProcess.Start("prometheus", prometheus,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(root, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--log.level=warn",
        ], new Dictionary<string, string?> { [EndToEndTests.MarkerVariable] = marker }, root);
        return new PrometheusServer(process, root, port);
    }

    public async Task WaitReadyAsync(TimeSpan deadline, CancellationToken cancellationToken) =>
        await Eventually.HoldsAsync("prometheus ready", async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("prometheus exited during start-up\n" + Output);
            }
            using var response = await Client.GetAsync("/-/ready", cancellationToken);
            return response.IsSuccessStatusCode;
        }, deadline, () => Output, cancellationToken);

    /// <summary>An instant query through /api/v1/query; a query Prometheus rejects throws with its error.</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql), cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected the query ({root.GetProperty("errorType").GetString()}: "
                + $"{root.GetProperty("error").GetString()}): {promql}");
        }
        var data = root.GetProperty("data");
        return data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? data.GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToList()
            : [data.GetProperty("result").Clone()];
    }

    /// <summary>Every alerting rule as Prometheus evaluates it: name, health, last error and whether it was evaluated yet.</summary>
    public async Task<IReadOnlyList<(string Name, string Health, string? Error, bool Evaluated)>> AlertRulesAsync(CancellationToken cancellationToken)
    {
        using var body = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/rules?type=alert", cancellationToken));
        return body.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null,
                r.TryGetProperty("lastEvaluation", out var at) && !at.GetString()!.StartsWith("0001-", StringComparison.Ordinal)))
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
