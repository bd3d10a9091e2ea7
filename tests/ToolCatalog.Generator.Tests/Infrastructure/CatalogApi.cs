using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>The real API in-process on a database of its own, with one write key; everything goes through HTTP.</summary>
public sealed class CatalogApi : IAsyncDisposable
{
    public const string WriteKey = "tc_generator_tests_write_key";

    private CatalogApi(ApiFactory factory)
    {
        Factory = factory;
        Anonymous = factory.CreateClient();
    }

    public ApiFactory Factory { get; }
    public HttpClient Anonymous { get; }

    public static async Task<CatalogApi> StartAsync(GeneratorInfrastructure infra, CancellationToken cancellationToken)
    {
        var database = await infra.NewCatalogDatabaseAsync(cancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0:Name"] = "generator-tests",
            ["Auth:ApiKeys:0:Role"] = "write",
            ["Auth:ApiKeys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(WriteKey))),
            // Tests run in parallel on one Redis: each API gets keys and channels of its own.
            ["Cache:Prefix"] = "gen" + Guid.NewGuid().ToString("N")[..10],
        };
        return new CatalogApi(new ApiFactory(database, infra.Redis.ConnectionString, settings));
    }

    /// <summary>A client with the write key, as the worker and the CLI use it.</summary>
    public HttpClient CreateWriterClient()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteKey);
        return client;
    }

    /// <summary>The tool's current document, or null when the API does not serve it (404).</summary>
    public async Task<JsonObject?> FindToolAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await Anonymous.GetAsync($"/api/v1/tools/{name}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {name}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await Factory.DisposeAsync();
    }
}
