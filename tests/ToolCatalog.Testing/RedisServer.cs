using System.Diagnostics;
using System.Globalization;
using System.Net;
using Garnet;
using Garnet.server;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ToolCatalog.Testing;

/// <summary>
/// A real Redis-protocol server for tests: redis-server when installed, otherwise Microsoft Garnet in-process,
/// so the test command works on a machine with neither Docker nor redis-server. It can be stopped and started
/// again on the same port, which is how tests take Redis away from a running API.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;
    private GarnetServer? _garnet;

    public int Port { get; }
    public string Kind { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public bool IsRunning => _process is { HasExited: false } || _garnet is not null;

    private RedisServer(int port, string kind)
    {
        Port = port;
        Kind = kind;
    }

    public static string? RedisServerPath =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new RedisServer(PostgresServer.FreePort(), RedisServerPath is null ? "garnet (in-process)" : "redis-server");
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
        }
        if (RedisServerPath is { } path)
        {
            var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--protected-mode", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"])
            {
                psi.ArgumentList.Add(arg);
            }
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-server");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }
        else
        {
            _garnet = new GarnetServer(new GarnetServerOptions
            {
                EndPoints = [new IPEndPoint(IPAddress.Loopback, Port)],
                QuietMode = true,
                LogMemorySize = "64m",
                IndexMemorySize = "1m",
            }, NullLoggerFactory.Instance);
            _garnet.Start();
        }
        await WaitUntilAnsweringAsync(cancellationToken);
    }

    /// <summary>Takes the server away abruptly (SIGKILL / dispose), as a crash would.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(cancellationToken);
            }
            process.Dispose();
            _process = null;
        }
        _garnet?.Dispose();
        _garnet = null;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var mux = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=1000,connectRetry=0");
                await mux.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
