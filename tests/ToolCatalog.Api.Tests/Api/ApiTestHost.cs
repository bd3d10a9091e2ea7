using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// The real API, in-process, on a database of its own, with three API keys (read, write, admin) and a client for each
/// of them plus an anonymous one. Everything the tests do goes through HTTP.
/// </summary>
public sealed partial class ApiTestHost : IAsyncDisposable
{
    public const string ReaderName = "reader-key";
    public const string WriterName = "writer-key";
    public const string AdminName = "admin-key";

    public const string Base = "/api/v1";
    public const string ToolsPath = Base + "/tools";

    private readonly string _redis;
    private readonly Dictionary<string, string?> _settings;

    private ApiTestHost(string database, string redis, Dictionary<string, string?> settings, string readKey, string writeKey, string adminKey)
    {
        (_redis, _settings) = (redis, settings);
        var factory = new ApiFactory(database, redis, settings);
        Factory = factory;
        Database = database;
        ReadKey = readKey;
        WriteKey = writeKey;
        AdminKey = adminKey;
        Anonymous = factory.CreateClient();
        Reader = WithBearer(readKey);
        Writer = WithBearer(writeKey);
        Admin = WithBearer(adminKey);
    }

    public ApiFactory Factory { get; }

    /// <summary>The connection string of this host's own database, for tests that must write behind the API's back.</summary>
    public string Database { get; }
    public string ReadKey { get; }
    public string WriteKey { get; }
    public string AdminKey { get; }
    public HttpClient Anonymous { get; }
    public HttpClient Reader { get; }
    public HttpClient Writer { get; }
    public HttpClient Admin { get; }

    /// <summary>A fresh database and a started API; <paramref name="settings"/> add to (or override) the defaults.</summary>
    public static async Task<ApiTestHost> StartAsync(CatalogInfrastructure infra, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await infra.NewCatalogDatabaseAsync(cancellationToken);
        string readKey = NewKey(), writeKey = NewKey(), adminKey = NewKey();
        var all = new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0:Name"] = ReaderName,
            ["Auth:ApiKeys:0:Role"] = "read",
            ["Auth:ApiKeys:0:Sha256"] = Sha256(readKey),
            ["Auth:ApiKeys:1:Name"] = WriterName,
            ["Auth:ApiKeys:1:Role"] = "write",
            ["Auth:ApiKeys:1:Sha256"] = Sha256(writeKey),
            ["Auth:ApiKeys:2:Name"] = AdminName,
            ["Auth:ApiKeys:2:Role"] = "admin",
            ["Auth:ApiKeys:2:Sha256"] = Sha256(adminKey),
            // Each host has cache keys and invalidation channels of its own: tests run in parallel on one Redis.
            ["Cache:Prefix"] = "api" + Guid.NewGuid().ToString("N")[..10],
            // The per-key write budget is not what these tests are about; the malformed-input suite alone sends hundreds.
            ["Auth:WritesPerSecondPerKey"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        return new ApiTestHost(database, infra.Redis.ConnectionString, all, readKey, writeKey, adminKey);
    }

    /// <summary>Another API instance on the same database, keys and cache prefix: a replica, with its own overrides.</summary>
    public ApiTestHost Replica(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return new ApiTestHost(Database, _redis, settings, ReadKey, WriteKey, AdminKey);
    }

    public HttpClient WithBearer(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient WithApiKeyHeader(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public static string NewKey() => "tc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Imports tools from the catalog folder as one YAML multi-document body; every one must be added.</summary>
    public async Task SeedAsync(CancellationToken cancellationToken, params string[] tools)
    {
        var body = string.Join("\n---\n", tools.Select(CatalogYaml));
        using var response = await Writer.PostAsync(ToolsPath + "/import", Yaml(body), cancellationToken);
        var report = await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(tools.Length, report["files"]!.AsArray().Count(f => f!["outcome"]!.GetValue<string>() == "Added"));
    }

    /// <summary>Imports the whole catalog folder as a zip; returns how many tools it holds.</summary>
    public async Task<int> SeedWholeCatalogAsync(CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(RepoPaths.Catalog, "*.yaml", SearchOption.AllDirectories).ToList();
        using var content = new ByteArrayContent(Zip(files.Select(f => (Path.GetRelativePath(RepoPaths.Catalog, f), File.ReadAllText(f)))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await Writer.PostAsync(ToolsPath + "/import", content, cancellationToken);
        var report = await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(files.Count, report["files"]!.AsArray().Count(f => f!["outcome"]!.GetValue<string>() == "Added"));
        return files.Count;
    }

    /// <summary>The catalog revision the API reports (every response carries it).</summary>
    public async Task<long> RevisionAsync(CancellationToken cancellationToken)
    {
        using var response = await Anonymous.GetAsync(Base + "/platforms", cancellationToken);
        return Revision(response);
    }

    public static long Revision(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("X-Catalog-Revision", out var values), $"no X-Catalog-Revision on {response.RequestMessage?.RequestUri}");
        return long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The current document of a tool as JSON (with its ETag).</summary>
    public async Task<(JsonObject Document, string ETag)> GetToolAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await Anonymous.GetAsync($"{ToolsPath}/{name}", cancellationToken);
        var document = await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken);
        return (document.AsObject(), response.Headers.ETag!.Tag);
    }

    /// <summary>A copy of a stored document with another version (and whatever <paramref name="edit"/> changes).</summary>
    public async Task<JsonObject> NextVersionAsync(string name, string version, CancellationToken cancellationToken, Action<JsonObject>? edit = null)
    {
        var (document, _) = await GetToolAsync(name, cancellationToken);
        document["version"] = version;
        edit?.Invoke(document);
        return document;
    }

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Asserts an RFC 9457 problem: the status, application/problem+json, type, title, status and traceId.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(expected == response.StatusCode,
            $"expected {(int)expected}, got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {Shorten(text)}");
        return AssertProblemBody(response, text);
    }

    /// <summary>Asserts any 4xx problem (never 5xx) and returns it.</summary>
    public static async Task<JsonObject> AssertClientErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500,
            $"expected a 4xx, got {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {Shorten(text)}");
        return AssertProblemBody(response, text);
    }

    private static JsonObject AssertProblemBody(HttpResponseMessage response, string text)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.False(string.IsNullOrEmpty(problem["type"]?.GetValue<string>()), $"problem without type: {text}");
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()), $"problem without title: {text}");
        Assert.Equal((int)response.StatusCode, problem["status"]?.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["traceId"]?.GetValue<string>()), $"problem without traceId: {text}");
        return problem;
    }

    /// <summary>The paths of a problem's <c>errors</c>, each in the one shape every route uses: <c>{ "path", "message" }</c>.</summary>
    public static List<string> ErrorPaths(JsonObject problem)
    {
        var errors = Assert.IsType<JsonArray>(problem["errors"]);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e?["message"]?.GetValue<string>()), $"field error without a message: {e}"));
        return errors.Select(e => Assert.IsType<string>(e?["path"]?.GetValue<string>())).ToList();
    }

    /// <summary>Sends a request with an optional If-Match header.</summary>
public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, HttpContent? content, string? ifMatch,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await client.SendAsync(request, cancellationToken);
    }

    public sealed record Audit(string Action, string Actor, string? Version, string? Reason, JsonNode? Diff);

    /// <summary>The audit entries of a tool, newest first.</summary>
    public async Task<List<Audit>> AuditActionsAsync(string tool, CancellationToken cancellationToken)
    {
        using var response = await Anonymous.GetAsync($"{Base}/audit?tool={tool}", cancellationToken);
        return (await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken)).AsArray()
            .Select(e => new Audit(JsonFields.S(e!, "action"), JsonFields.S(e!, "actor"), e!["version"]?.GetValue<string>(), e["reason"]?.GetValue<string>(), e["diff"]))
            .ToList();
    }

    private static string Shorten(string text) => text.Length > 2000 ? text[..2000] + "..." : text;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in (HttpClient[])[Anonymous, Reader, Writer, Admin])
        {
            client.Dispose();
        }
        await Factory.DisposeAsync();
    }
}

/// <summary>An API on an empty catalog, shared by the tests of a class that only read what every catalog has.</summary>
public sealed class EmptyCatalogHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await ApiTestHost.StartAsync(infra, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
