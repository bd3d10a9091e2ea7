using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using ToolCatalog.AppHost.Infrastructure;

namespace ToolCatalog.Testing;

/// <summary>
/// A real PostgreSQL server for a test run: its own cluster in a temp folder, on a free loopback port,
/// stopped (fast shutdown) and deleted on dispose. Tests get isolated databases from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _command;
    private readonly string _root;
    private Process _process;

    public int Port { get; }
    public string ServerConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Timeout=5";

    private PostgresServer(IReadOnlyList<string> command, string root, int port)
    {
        _command = command;
        _root = root;
        Port = port;
        _process = Launch(command, port);
    }

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var binaries = PostgresBinaries.Locate(Environment.GetEnvironmentVariable("TOOLCATALOG_PG_BIN"));
        var root = Path.Combine(Path.GetTempPath(), "toolcatalog-tests", "pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(root, "data");
        await binaries.InitializeClusterAsync(data, "catalog_seed", cancellationToken);

        var server = new PostgresServer(binaries.ServerCommand(data, durable: false), root, FreePort());
        await server.WaitUntilAcceptingAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server again on the same port and data after <see cref="StopAsync"/> (an outage ending).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            return;
        }
        _process.Dispose();
        _process = Launch(_command, Port);
        await WaitUntilAcceptingAsync(cancellationToken);
    }

    private static Process Launch(IReadOnlyList<string> command, int port)
    {
        var psi = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in command.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(psi) ?? throw new InfraException("could not start postgres");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A new, empty database with a unique name; optionally cloned from a template.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? template, CancellationToken cancellationToken)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(ServerConnectionString + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        var sql = template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        return name;
    }

    public string ConnectionString(string database) => $"{ServerConnectionString};Database={database}";

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InfraException($"postgres exited with code {_process.ExitCode} during start-up");
            }
            try
            {
                await using var connection = new NpgsqlConnection(ServerConnectionString + ";Database=postgres;Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>Stops the server with a fast shutdown (SIGINT) and waits for it, so no process is left behind.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StopAsync(CancellationToken.None);
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
