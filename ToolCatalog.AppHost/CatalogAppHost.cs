using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using ToolCatalog.AppHost.Infrastructure;

namespace ToolCatalog.AppHost;

/// <summary>
/// The whole system: PostgreSQL (postgres/catalogdb), Redis (cache), two API replicas (api) and the catalog worker
/// (generator). Resource names are a contract shared with tests, docs and tooling.
/// </summary>
public static class CatalogAppHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        var settings = await InfraSettings.FromConfigurationAsync(builder.Configuration, CancellationToken.None);
        Console.WriteLine($"ToolCatalog infrastructure: {settings.Mode} ({settings.Reason})");
        if (builder.ExecutionContext.IsRunMode && !IsTestRun(builder.Configuration))
        {
            PortPreflight.EnsureFree();
        }

        var cleanup = new List<IDisposable>();
        try
        {
            var (catalogDb, cache) = settings.Mode == InfraMode.Containers
                ? AddContainers(builder)
                : await AddLocalProcessesAsync(builder, settings, cleanup);

            var devKey = builder.Configuration["Auth:DevApiKey"] is { Length: > 0 } configured ? configured : NewApiKey();
            var devKeyHash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(devKey)));
            Console.WriteLine($"Development API key (admin role; send as 'Authorization: Bearer <key>'): {devKey}");

            var api = builder.AddProject<Projects.ToolCatalog_Api>("api")
                .WithReplicas(2)
                .WithReference(catalogDb).WaitFor(catalogDb)
                .WithReference(cache).WaitFor(cache)
                .WithEnvironment("Auth__ApiKeys__0__Name", "apphost-dev")
                .WithEnvironment("Auth__ApiKeys__0__Role", "admin")
                .WithEnvironment("Auth__ApiKeys__0__Sha256", devKeyHash)
                // A replica that starts while PostgreSQL is unreachable serves the repository's files (health: Degraded).
                .WithEnvironment("Catalog__FallbackPath", CatalogFolder())
                .WithHttpHealthCheck("/health");

            builder.AddProject<Projects.ToolCatalog_Generator>("generator", launchProfileName: "worker")
                .WithReference(api).WaitFor(api)
                .WithEnvironment("TOOLCATALOG_API_KEY", devKey)
                .WithEnvironment("Worker__CatalogPath", CatalogFolder())
                .WithHttpHealthCheck("/health");

            await using var app = builder.Build();
            await app.RunAsync();
            return 0;
        }
        finally
        {
            // Reverse order: servers before the folder that holds their data.
            for (var i = cleanup.Count - 1; i >= 0; i--)
            {
                cleanup[i].Dispose();
            }
        }
    }

    private static (IResourceBuilder<IResourceWithConnectionString> Db, IResourceBuilder<IResourceWithConnectionString> Cache)
        AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres")
            .WithDataVolume("toolcatalog-postgres")
            .WithArgs("-c", "shared_preload_libraries=pg_stat_statements");
        var db = postgres.AddDatabase("catalogdb");
        var cache = builder.AddRedis("cache").WithDataVolume("toolcatalog-redis");
        return (db, cache);
    }

    private static async Task<(IResourceBuilder<IResourceWithConnectionString> Db, IResourceBuilder<IResourceWithConnectionString> Cache)>
        AddLocalProcessesAsync(IDistributedApplicationBuilder builder, InfraSettings settings, List<IDisposable> cleanup)
    {
        var folder = RunFolder.Create(settings.KeepData, settings.DataRoot);
        cleanup.Add(folder);
        Console.WriteLine($"Local data folder: {folder.Path}{(settings.KeepData ? " (kept: Infra:KeepData=true)" : " (removed on stop)")}");

        var db = await builder.AddLocalPostgresAsync("postgres", "catalogdb", settings, folder, CancellationToken.None);

        IResourceBuilder<IResourceWithConnectionString> cache;
        if (InfrastructureExtensions.FindOnPath("redis-server") is { } redisServer)
        {
            cache = builder.AddLocalRedis("cache", redisServer, folder, settings.RedisMaxMemory);
        }
        else if (settings.AllowEmbeddedRedis)
        {
            cache = builder.AddEmbeddedRedis("cache", out var embedded);
            cleanup.Add(embedded);
            Console.Error.WriteLine("""
                ************************************************************************************
                WARNING: redis-server not found. Running the EMBEDDED Garnet fallback for 'cache'.
                It is Redis-compatible for what the catalog uses, but it is not what production runs.
                Install redis-server (Debian/Ubuntu: sudo apt-get install -y redis-server) or Docker.
                ************************************************************************************
                """);
        }
        else
        {
            throw new InfraException(
                "redis-server was not found and the embedded fallback is off (CI=true or Infra:AllowEmbeddedRedis=false). " +
                "Install it: sudo apt-get install -y redis-server");
        }
        return (db, cache);
    }

    private static string CatalogFolder()
    {
        // The repository's catalog/ folder, found from the AppHost's project directory.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ToolCatalog.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "catalog");
    }

    private static bool IsTestRun(IConfiguration configuration) =>
        configuration.GetValue("Infra:SkipPortPreflight", false);

    private static string NewApiKey() =>
        "tc_dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
