using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Garnet;
using Garnet.server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace ToolCatalog.AppHost.Infrastructure;

public static class InfrastructureExtensions
{
    private const string PostgresEndpoint = "tcp";

    /// <summary>
    /// PostgreSQL as a local process: a cluster in the run folder, created once with initdb, on a port the
    /// orchestrator picks, health-checked with a real query so WaitFor means "accepts connections".
    /// </summary>
    public static async Task<IResourceBuilder<IResourceWithConnectionString>> AddLocalPostgresAsync(
        this IDistributedApplicationBuilder builder, string serverName, string databaseName, InfraSettings settings,
        RunFolder folder, CancellationToken cancellationToken)
    {
        var binaries = PostgresBinaries.Locate(settings.PgBin);
        var dataDirectory = Path.Combine(folder.Path, "postgres");
        await binaries.InitializeClusterAsync(dataDirectory, databaseName, cancellationToken);

        // postgres treats SIGTERM as "smart" shutdown (waits for every client to leave); the wrapper turns the
        // orchestrator's SIGTERM into SIGINT (fast shutdown) so a stop never hangs on the API's pooled connections.
        var wrapper = Path.Combine(folder.Path, "run-postgres.sh");
        await File.WriteAllTextAsync(wrapper, """
            #!/usr/bin/env bash
            "$@" &
            child=$!
            trap 'kill -INT "$child" 2>/dev/null' TERM INT
            wait "$child"
            status=$?
            wait "$child" 2>/dev/null
            exit $status
            """.Replace("\r\n", "\n", StringComparison.Ordinal), cancellationToken);

        var server = builder.AddExecutable(serverName, "bash", folder.Path,
                [wrapper, .. binaries.ServerCommand(dataDirectory, durable: settings.KeepData)])
            .WithEndpoint(name: PostgresEndpoint, scheme: "tcp", env: "PGPORT")
            .WithIconName("Database");

        var endpoint = server.GetEndpoint(PostgresEndpoint);
        var serverConnection = ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres");

        var healthKey = $"{serverName}-accepts-queries";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            var cs = await serverConnection.GetValueAsync(ct) + ";Database=postgres;Timeout=3;Pooling=false";
            try
            {
                await using var connection = new NpgsqlConnection(cs);
                await connection.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT 1", connection);
                await cmd.ExecuteScalarAsync(ct);
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        server.WithHealthCheck(healthKey);

        return builder.AddConnectionString(databaseName,
                ReferenceExpression.Create($"{serverConnection};Database={databaseName}"))
            .WaitFor(server);
    }

    /// <summary>redis-server as a local process on a port the orchestrator picks, nothing persisted.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string redisServer, RunFolder folder, string maxMemory)
    {
        var resource = new LocalRedisResource(name, redisServer, folder.Path);
        var redis = builder.AddResource(resource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                // A memory ceiling with LRU eviction: cache entries are rebuildable, an unbounded Redis is an outage.
                foreach (var arg in (string[])["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                             "--maxmemory", maxMemory, "--maxmemory-policy", "allkeys-lru"])
                {
                    context.Args.Add(arg);
                }
            })
            .WithIconName("Memory");

        AddRedisPing(builder, redis, name);
        return redis;
    }

    /// <summary>
    /// Microsoft Garnet inside this process, for a machine that has neither Docker nor redis-server. Small
    /// memory settings: the defaults reserve about 290 MB.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddEmbeddedRedis(
        this IDistributedApplicationBuilder builder, string name, out IDisposable embeddedServer)
    {
        var port = FreeLoopbackPort();
        var server = new GarnetServer(new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, port)],
            QuietMode = true,
            LogMemorySize = "64m",
            IndexMemorySize = "1m",
        }, NullLoggerFactory.Instance);
        server.Start();
        embeddedServer = server;

        const string warning = "EMBEDDED GARNET FALLBACK: redis-server was not found, so a Redis-compatible server runs inside the AppHost. " +
            "Install redis-server (apt-get install -y redis-server) or Docker for the real thing.";
        var redis = builder.AddResource(new EmbeddedRedisResource(name, port))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Garnet (fallback)",
                State = new ResourceStateSnapshot("Running", KnownResourceStateStyles.Warn),
                Properties = [new("Warning", warning), new("Port", port)],
            })
            .WithIconName("Warning");
        AddRedisPing(builder, redis, name);
        return redis;
    }

    private static void AddRedisPing(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> redis, string name)
    {
        var healthKey = $"{name}-answers-ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async ct =>
        {
            var cs = await redis.Resource.ConnectionStringExpression.GetValueAsync(ct);
            try
            {
                await using var mux = await ConnectionMultiplexer.ConnectAsync(cs + ",abortConnect=false,connectTimeout=2000,connectRetry=0");
                await mux.GetDatabase().PingAsync();
                return mux.IsConnected
                    ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                    : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("not connected");
            }
            catch (Exception ex) when (ex is RedisException or SocketException or TimeoutException)
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        redis.WithHealthCheck(healthKey);
    }

    public static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
