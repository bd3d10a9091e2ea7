using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Testing;

namespace ToolCatalog.AppHost.Tests;

/// <summary>
/// Boots the whole system the way a developer does, in local mode (no container runtime here or in CI).
/// The tests in this class run one after the other: each boots a full AppHost.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AppHostTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AppHost_runs_two_healthy_api_replicas_and_the_generator_with_migrations_applied_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataRoot = NewDataRoot("e2e");

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ToolCatalog_AppHost>(
            ["--Infra:Mode=local", $"--Infra:DataRoot={dataRoot}", "--Infra:SkipPortPreflight=true"], ct);
        // No dashboard in tests: blank OTLP so the services do not retry exports at shutdown.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        }

        await using (var app = await builder.BuildAsync(ct))
        {
            await app.StartAsync(ct).WaitAsync(BootTimeout, ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", ct).WaitAsync(BootTimeout, ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("generator", ct).WaitAsync(BootTimeout, ct);

            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            var api = model.Resources.OfType<ProjectResource>().Single(r => r.Name == "api");
            Assert.Equal(2, api.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);

            // Both replicas answer, healthy: each names its instance in /api/v1/metrics, and the proxy spreads requests
            // across them, so asking until two different instances have answered shows both do (or times out).
            using var client = app.CreateHttpClient("api");
            // The proxy in front of the replicas balances connections, not requests: a new connection per request.
            client.DefaultRequestHeaders.ConnectionClose = true;
            var answered = new HashSet<string>(StringComparer.Ordinal);
            await Eventually.HoldsAsync("both api replicas answer", async () =>
            {
                using var health = await client.GetAsync("/health", ct);
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
                Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
                using var metrics = await client.GetAsync("/api/v1/metrics", ct);
                using var summary = JsonDocument.Parse(await metrics.Content.ReadAsStringAsync(ct));
                answered.Add(summary.RootElement.GetProperty("instance").GetString()!);
                return answered.Count == 2;
            }, TimeSpan.FromSeconds(30), () => "answered: " + string.Join(", ", answered), ct);

            // Two replicas raced to migrate: every migration file is recorded (each once: the version is the key), and
            // neither replica failed on a migration the other applied (both answered healthy above).
            var connectionString = await app.GetConnectionStringAsync("catalogdb", ct);
            await using var db = NpgsqlDataSource.Create(connectionString!);
            var expected = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "ToolCatalog.Api", "Data", "Migrations"), "*.sql")
                .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await ListAsync(db, "SELECT lpad(version::text, 4, '0') || '_' || name FROM schema_migrations ORDER BY version", ct));
            NpgsqlConnection.ClearAllPools();
        }

        var left = await ProcessTable.WaitUntilGoneAsync(dataRoot, TimeSpan.FromSeconds(30), ct);
        Assert.Empty(left);
    }

    [Fact]
    public async Task SIGTERM_stops_the_AppHost_and_leaves_no_server_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataRoot = NewDataRoot("sigterm");
        var marker = "toolcatalog-test-" + Guid.NewGuid().ToString("N");

        var appHostDll = typeof(Projects.ToolCatalog_AppHost).Assembly.Location; // the test's own assembly; find the AppHost beside it
        var dll = Path.Combine(Path.GetDirectoryName(appHostDll)!, "ToolCatalog.AppHost.dll");
        Assert.True(File.Exists(dll), $"AppHost not built next to the tests: {dll}");

        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        psi.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        psi.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        psi.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        psi.Environment["DcpPublisher__RandomizePorts"] = "true";
        psi.Environment["Infra__Mode"] = "local";
        psi.Environment["Infra__DataRoot"] = dataRoot;
        psi.Environment["TOOLCATALOG_TEST_MARKER"] = marker;

        using var appHost = Process.Start(psi)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        appHost.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            output.Enqueue(e.Data);
            if (e.Data.Contains("Distributed application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        appHost.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        try
        {
            await Task.WhenAny(started.Task, appHost.WaitForExitAsync(ct), Task.Delay(BootTimeout, ct));
            Assert.True(started.Task.IsCompleted, "AppHost did not start:\n" + string.Join('\n', output));
            // Wait until the servers are really up: postgres and redis-server run from the data root.
            var deadline = DateTime.UtcNow + BootTimeout;
            while (!ProcessTable.Matching(dataRoot).Any(p => p.CommandLine.Contains("postgres -D", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "postgres never started:\n" + string.Join('\n', output));
                await Task.Delay(200, ct);
            }

            using (var term = Process.Start("kill", ["-TERM", appHost.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(ct);
            }
            await appHost.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }
        }

        var left = await ProcessTable.WaitUntilGoneAsync(dataRoot, TimeSpan.FromSeconds(30), ct);
        Assert.Empty(left);
        var services = await ProcessTable.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(30), ct);
        Assert.Empty(services);
        Assert.Empty(Directory.EnumerateDirectories(dataRoot));
    }

    /// <summary>A folder the 'postgres' system user can traverse (CreateTempSubdirectory makes 0700 folders).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string NewDataRoot(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"toolcatalog-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static async Task<List<string>> ListAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
