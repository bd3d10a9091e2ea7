using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>The real API (ToolCatalog.Api.dll) as a separate process on Kestrel, on a free loopback port.</summary>
internal sealed class ApiReplica : IAsyncDisposable
{
    private readonly ChildProcess _process;

    public int Port { get; }
    public string Target => $"127.0.0.1:{Port}";
    public HttpClient Client { get; }
    public string Output => _process.Output;

    private ApiReplica(ChildProcess process, int port, string adminKey)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://{Target}"), Timeout = TimeSpan.FromSeconds(20) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>
    /// Copies the built API (bin/&lt;Configuration&gt;/net10.0) to <paramref name="directory"/> and returns the copy's
    /// ToolCatalog.Api.dll: the replicas then run a snapshot that a concurrent build of the repository cannot replace under them.
    /// </summary>
    public static string CopyBuild(string directory)
    {
        var source = Path.GetDirectoryName(MonitoringFiles.ApiAssembly)!;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Path.Combine(directory, Path.GetFileName(MonitoringFiles.ApiAssembly));
    }

    public static ApiReplica Start(string name, string apiAssembly, string database, string redis, string cachePrefix, string adminKey, string marker)
    {
        var port = PostgresServer.FreePort();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : ExternalTool.Find("dotnet") ?? "dotnet";
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__catalogdb"] = database,
            ["ConnectionStrings__cache"] = redis,
            ["Cache__Prefix"] = cachePrefix,
            ["Auth__ApiKeys__0__Name"] = "monitoring-e2e",
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__0__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // Never ship this test's telemetry anywhere.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            [EndToEndTests.MarkerVariable] = marker,
        };
        var process = ChildProcess.Start(name, dotnet,
            [apiAssembly, "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            environment, Path.GetDirectoryName(apiAssembly)!);
        return new ApiReplica(process, port, adminKey);
    }

    /// <summary>Waits until /health answers 200: migrations applied and a catalog loaded from PostgreSQL.</summary>
    public async Task WaitHealthyAsync(TimeSpan deadline, CancellationToken cancellationToken) =>
        await Eventually.HoldsAsync($"{_process.Name} healthy", async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.Name} exited during start-up\n{Output}");
            }
            using var response = await Client.GetAsync("/health", cancellationToken);
            return response.IsSuccessStatusCode;
        }, deadline, () => Output, cancellationToken);

    /// <summary>This replica's own /metrics text.</summary>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken) => await Client.GetStringAsync("/metrics", cancellationToken);

    /// <summary>Whether /metrics has a sample line of <paramref name="metric"/> with every given label="value", optionally with a value.</summary>
    public async Task<bool> HasSampleAsync(string metric, IEnumerable<string> labels, string? value, CancellationToken cancellationToken)
    {
        var text = await MetricsAsync(cancellationToken);
        var wanted = labels.ToList();
        return text.Split('\n').Any(line =>
            line.StartsWith(metric + "{", StringComparison.Ordinal)
            && wanted.All(l => line.Contains(l, StringComparison.Ordinal))
            && (value is null || line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0] == value));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
