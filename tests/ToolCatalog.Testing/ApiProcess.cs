using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ToolCatalog.Testing;

/// <summary>
/// The real API (ToolCatalog.Api.dll) as a separate process on Kestrel, on a free loopback port, with one admin key:
/// for tests that need a real server process (Prometheus scraping it, a load run sampling its /proc).
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    public int Port { get; }
    public string Target => $"127.0.0.1:{Port}";
    public Uri BaseAddress => new($"http://{Target}/");

    /// <summary>A client for this process that sends the admin key.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.ProcessId;
    public string Name => _process.Name;
    public bool HasExited => _process.HasExited;
    public string Output => _process.Output;

    private ApiProcess(ChildProcess process, int port, string adminKey)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>The API built next to the tests, in the same configuration (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string BuiltAssembly(string configuration) =>
        Path.Combine(RepoPaths.Root, "ToolCatalog.Api", "bin", configuration, "net10.0", "ToolCatalog.Api.dll");

    public static ApiProcess Start(string name, string apiAssembly, string database, string redis, string cachePrefix, string adminKey,
        IReadOnlyDictionary<string, string?>? extraEnvironment = null)
    {
        var port = PostgresServer.FreePort();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__catalogdb"] = database,
            ["ConnectionStrings__cache"] = redis,
            ["Cache__Prefix"] = cachePrefix,
            ["Auth__ApiKeys__0__Name"] = name + "-admin",
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__0__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // Embedding costs CPU seconds per tool; these processes test other things.
            ["Search__Embeddings__Enabled"] = "false",
            // Never ship a test's telemetry anywhere.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        var process = ChildProcess.Start(name, dotnet,
            [apiAssembly, "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            environment, Path.GetDirectoryName(apiAssembly)!);
        return new ApiProcess(process, port, adminKey);
    }

    /// <summary>Waits until /health answers 200 (migrations applied, catalog loaded); throws with the process output if not.</summary>
    public async Task WaitHealthyAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during start-up\n{Output}");
            }
            try
            {
                using var response = await Client.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{Name} was not healthy within {deadline.TotalSeconds:F0} s\n{Output}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
