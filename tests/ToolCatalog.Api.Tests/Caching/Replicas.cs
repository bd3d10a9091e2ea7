using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>
/// Several API instances ("replicas") on one database and one Redis, with a channel/key prefix of their own so that
/// tests running in parallel never hear each other's invalidations.
/// </summary>
internal sealed class Replicas : IAsyncDisposable
{
    public const string AdminKey = "replica-test-admin-key";
    private readonly List<ApiFactory> _factories = [];

    public IReadOnlyList<HttpClient> Clients { get; }
    public IReadOnlyList<ApiFactory> Factories => _factories;

    private Replicas(IEnumerable<ApiFactory> factories)
    {
        _factories.AddRange(factories);
        Clients = _factories.Select(f =>
        {
            var client = f.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            return client;
        }).ToList();
    }

    public static Replicas Start(int count, string database, string redis, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var settings = new Dictionary<string, string?>
        {
            ["Cache:Prefix"] = prefix,
            ["Auth:ApiKeys:0:Name"] = "replica-admin",
            ["Auth:ApiKeys:0:Role"] = "admin",
            ["Auth:ApiKeys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        return new Replicas(Enumerable.Range(0, count).Select(_ => new ApiFactory(database, redis, settings)));
    }

    public static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    public static string Tool(string name, string version, double complexity = 0.3) =>
        File.ReadAllText(Path.Combine(RepoPaths.Catalog, "linux", "systemctl.yaml"))
            .Replace("tool_name: systemctl", $"tool_name: {name}", StringComparison.Ordinal)
            .Replace("version: \"1.0.0\"", $"version: \"{version}\"", StringComparison.Ordinal)
            .Replace("complexity_score: 0.3", $"complexity_score: {complexity.ToString(System.Globalization.CultureInfo.InvariantCulture)}", StringComparison.Ordinal);

    /// <summary>Polls until the condition holds or the deadline passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline, CancellationToken ct)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(10, ct);
        }
        return await condition();
    }

    public static async Task<string?> VersionAsync(HttpClient client, string name, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/api/v1/tools/{name}", ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.GetProperty("version").GetString();
    }

    /// <summary>The tool's served <c>enabled</c> flag; null when it is not served.</summary>
    public static async Task<bool?> EnabledAsync(HttpClient client, string name, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/api/v1/tools/{name}", ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.GetProperty("enabled").GetBoolean();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            client.Dispose();
        }
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }
    }
}
