using System.IO.Compression;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Mcp.Tests;
using ToolCatalog.Testing;

[assembly: AssemblyFixture(typeof(McpApi))]

namespace ToolCatalog.Mcp.Tests;

/// <summary>
/// The real API as a process, the whole catalog folder imported, for clients that speak MCP over HTTP: a replica with
/// reads open to anyone (the default) and a second one on the same database with reads locked to API keys.
/// </summary>
public sealed class McpApi : IAsyncLifetime
{
    private CatalogServers _servers = null!;

    public ApiProcess Open { get; private set; } = null!;
    public ApiProcess Locked { get; private set; } = null!;
    public string ReadKey { get; } = "tc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    public int ToolCount { get; private set; }

    public Uri OpenMcp => new(Open.BaseAddress, "mcp");
    public Uri LockedMcp => new(Locked.BaseAddress, "mcp");

    public static string ApiAssembly
    {
        get
        {
            var configuration = typeof(McpApi).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ApiConfiguration")?.Value ?? "Debug";
            return ApiProcess.BuiltAssembly(configuration);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _servers = await CatalogServers.StartAsync(ct);
        var database = await _servers.NewCatalogDatabaseAsync(ct);
        var prefix = "mcp-" + Guid.NewGuid().ToString("N")[..8];
        var adminKey = "tc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Open = ApiProcess.Start("mcp-open", ApiAssembly, database, _servers.Redis.ConnectionString, prefix, adminKey);
        Locked = ApiProcess.Start("mcp-locked", ApiAssembly, database, _servers.Redis.ConnectionString, prefix, adminKey,
            new Dictionary<string, string?>
            {
                ["Auth__RequireKeyForReads"] = "true",
                ["Auth__ApiKeys__1__Name"] = "mcp-reader",
                ["Auth__ApiKeys__1__Role"] = "read",
                ["Auth__ApiKeys__1__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ReadKey))),
            });
        await Task.WhenAll(Open.WaitHealthyAsync(TimeSpan.FromSeconds(90), ct), Locked.WaitHealthyAsync(TimeSpan.FromSeconds(90), ct));
        ToolCount = await ImportCatalogAsync(ct);
    }

    private async Task<int> ImportCatalogAsync(CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories).ToList();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                await using var entry = await zip.CreateEntry(Path.GetRelativePath(RepoPaths.Catalog, file)).OpenAsync(cancellationToken);
                await entry.WriteAsync(await File.ReadAllBytesAsync(file, cancellationToken), cancellationToken);
            }
        }
        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await Open.Client.PostAsync("/api/v1/tools/import", content, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        // Import commits and both replicas hear of it; wait until each serves the whole catalog.
        foreach (var api in (ApiProcess[])[Open, Locked])
        {
            await Eventually.TrueAsync(async () =>
            {
                using var list = await api.Client.GetAsync("/api/v1/tools?limit=1", cancellationToken);
                var body = await list.Content.ReadAsStringAsync(cancellationToken);
                return list.IsSuccessStatusCode && System.Text.Json.Nodes.JsonNode.Parse(body)!["total"]!.GetValue<int>() == files.Count;
            }, TimeSpan.FromSeconds(30), $"{api.Name} did not serve all {files.Count} imported tools", cancellationToken);
        }
        return files.Count;
    }

    public async ValueTask DisposeAsync()
    {
        if (Open is not null)
        {
            await Open.DisposeAsync();
        }
        if (Locked is not null)
        {
            await Locked.DisposeAsync();
        }
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string failure, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                Assert.Fail($"{failure} within {deadline.TotalSeconds:F0} s");
            }
            await Task.Delay(50, cancellationToken);
        }
    }
}
