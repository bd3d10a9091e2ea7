using System.Net;
using System.Text.Json;
using ToolCatalog.LoadTests.Http;

namespace ToolCatalog.LoadTests;

/// <summary>One named step of the mix. <see cref="Run"/> returns whether the request succeeded.</summary>
public sealed record Scenario(string Name, double Weight, Func<ScenarioContext, CancellationToken, Task<bool>> Run)
{
    /// <summary>Background scenarios (reloads) run on their own schedule, not picked by weight, and stay out of the overall numbers.</summary>
    public bool Background { get; init; }

    /// <summary>
    /// Paced scenarios (writes) are not picked by weight either: dedicated loops run them at their weight's share of the
    /// picked requests (see <see cref="Pacer"/>), so a slow write never holds a virtual user. They count in the overall numbers.
    /// </summary>
    public bool Paced { get; init; }
}

/// <summary>
/// What a scenario step may use: the clients, the replicas, the real tool names and a random source confined to the caller.
/// <see cref="Lean"/> sends the measured reads and POSTs cheaply; <see cref="Http"/> (HttpClient) stays for the write
/// tracker's conditional PUTs, reloads and setup, where behaviour matters more than cost.
/// </summary>
public sealed class ScenarioContext(HttpClient http, LeanHttpClient lean, IReadOnlyList<Uri> replicas, IReadOnlyList<string> toolNames, Random random)
{
    public HttpClient Http { get; } = http;
    public LeanHttpClient Lean { get; } = lean;
    public IReadOnlyList<Uri> Replicas { get; } = replicas;
    public IReadOnlyList<string> ToolNames { get; } = toolNames;
    public Random Random { get; } = random;

    public int PickReplica() => Replicas.Count == 1 ? 0 : Random.Next(Replicas.Count);
    public string PickTool() => ToolNames[Random.Next(ToolNames.Count)];

    public Uri Url(int replica, string pathAndQuery) => new(Replicas[replica], pathAndQuery);

    public ScenarioContext WithRandom(Random random) => new(Http, Lean, Replicas, ToolNames, random);

    /// <summary>GET, read the whole body, success on 2xx.</summary>
    public Task<bool> GetAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        Lean.GetAsync(PickReplica(), pathAndQuery, checkBody: null, cancellationToken);
}

/// <summary>Picks scenarios in proportion to their weights (cumulative weights, binary search).</summary>
public sealed class WeightedPicker
{
    private readonly Scenario[] _scenarios;
    private readonly double[] _cumulative;

    public WeightedPicker(IEnumerable<Scenario> scenarios)
    {
        _scenarios = scenarios.Where(s => !s.Background && !s.Paced && s.Weight > 0).ToArray();
        if (_scenarios.Length == 0)
        {
            throw new ArgumentException("at least one scenario with a positive weight is needed", nameof(scenarios));
        }
        _cumulative = new double[_scenarios.Length];
        var sum = 0.0;
        for (var i = 0; i < _scenarios.Length; i++)
        {
            sum += _scenarios[i].Weight;
            _cumulative[i] = sum;
        }
    }

    public IReadOnlyList<Scenario> Scenarios => _scenarios;
    public double TotalWeight => _cumulative[^1];

    public Scenario Pick(Random random)
    {
        var x = random.NextDouble() * TotalWeight;
        var index = Array.BinarySearch(_cumulative, x);
        index = index < 0 ? ~index : index + 1;
        return _scenarios[Math.Min(index, _scenarios.Length - 1)];
    }
}

/// <summary>The published scenario mix and the suites built on it.</summary>
public static class Mix
{
    public const string ListTools = "list tools";
    public const string SearchByName = "search by name";
    public const string GetTool = "get tool by name";
    public const string EnabledTools = "enabled tools";
    public const string LatestVersions = "latest versions";
    public const string PerformanceStats = "performance stats";
    public const string PutVersion = "put new version";
    public const string ReadWritten = "read written tool (cross-replica)";
    public const string Reload = "reload (admin)";
    public const string Select = "select (3 capabilities)";
    public const string Search = "search (plain words, cached)";

    /// <summary>
    /// The search suite's requests: plain-language jobs across the platforms, a fixed set, so after the warm-up every
    /// query embedding is in each replica's cache and the run measures the ranking, not the model.
    /// </summary>
    public static readonly string[] SearchQueries =
    [
        "which process is listening on port 8080", "restart the nginx service", "show the last 100 lines of the syslog",
        "how much disk space is left", "list the pods that keep restarting", "tail the logs of a kubernetes deployment",
        "back up the postgres database", "what does this domain resolve to", "is the remote host reachable",
        "copy a folder to another server", "which container uses the most memory", "scan an image for vulnerabilities",
        "run a command on many windows servers", "is the windows update service running", "list the ec2 instances",
        "read a secret from the vault", "schedule a job every night at 2am", "check that the website answers",
        "silence an alert during maintenance", "capture packets on an interface",
    ];

    /// <summary>
    /// The select suite's request: three capabilities offered by three tools each in the shipped catalog, a query that
    /// sets the mode, and variables the backup patterns' expressions read.
    /// </summary>
    public const string SelectBody =
        """{"capabilities":["backup","log_query","packet_capture"],"query":"find it quickly","variables":{"N":50,"size_mb":200},"top_k":5}""";

    /// <summary>The six read scenarios with the published weights (percent).</summary>
    public static IReadOnlyList<Scenario> Reads(double scale = 1.0) =>
    [
        new(ListTools, 35 * scale, (c, ct) => c.GetAsync("/api/v1/tools", ct)),
        new(SearchByName, 20 * scale, (c, ct) => c.GetAsync("/api/v1/tools?name=" + Uri.EscapeDataString(Prefix(c.PickTool())), ct)),
        new(GetTool, 15 * scale, (c, ct) => c.GetAsync("/api/v1/tools/" + Uri.EscapeDataString(c.PickTool()), ct)),
        new(EnabledTools, 15 * scale, (c, ct) => c.GetAsync("/api/v1/tools?enabled=true", ct)),
        new(LatestVersions, 10 * scale, (c, ct) => c.GetAsync("/api/v1/tools/" + Uri.EscapeDataString(c.PickTool()) + "/versions", ct)),
        new(PerformanceStats, 5 * scale, (c, ct) => c.GetAsync("/api/v1/performance/stats", ct)),
    ];

    /// <summary>A prefix of a real name: the first half, at least two characters.</summary>
    public static string Prefix(string name) => name[..Math.Min(name.Length, Math.Max(2, name.Length / 2))];

    /// <summary>Reads 95 % (the published mix scaled), 4 % reads of the written tools checked for staleness, 1 % PUTs of new versions (paced).</summary>
    public static IReadOnlyList<Scenario> WriteMix(WriteTracker tracker) =>
    [
        .. Reads(0.95),
        new(ReadWritten, 4, tracker.ReadAndCheckAsync),
        new(PutVersion, 1, tracker.PutNextVersionAsync) { Paced = true },
    ];

    private static readonly LeanBody SelectRequest = new("application/json; charset=utf-8", SelectBody);

    /// <summary><c>POST /api/v1/select</c> with <see cref="SelectBody"/>; success when the decision names at least one candidate.</summary>
    public static Scenario SelectScenario() => new(Select, 100, (c, ct) =>
        c.Lean.PostAsync(c.PickReplica(), "/api/v1/select", SelectRequest, NamesACandidate, ct));

    /// <summary><c>GET /api/v1/search</c> (hybrid) with one of <see cref="SearchQueries"/>; success when it finds something.</summary>
    public static Scenario SearchScenario() => new(Search, 100, (c, ct) =>
    {
        var query = SearchQueries[c.Random.Next(SearchQueries.Length)];
        return c.Lean.GetAsync(c.PickReplica(), "/api/v1/search?limit=10&q=" + Uri.EscapeDataString(query), FindsSomething, ct);
    });

    /// <summary>The decision's top-level <c>candidates</c> array is not empty. A forward-only read: no document is built.</summary>
    internal static bool NamesACandidate(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCandidates = reader.ValueTextEquals("candidates"u8);
            reader.Read();
            if (isCandidates)
            {
                return reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray;
            }
            reader.Skip();
        }
        return false;
    }

    /// <summary>The search answer (a top-level array of hits) is not empty.</summary>
    internal static bool FindsSomething(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        return reader.Read() && reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray;
    }

    public static Scenario ReloadScenario(string apiKey) => new(Reload, 0, async (c, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, c.Url(c.PickReplica(), "/api/v1/reload"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await c.Http.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    })
    { Background = true };

    /// <summary>The real tool names, from <c>GET /api/v1/tools?limit=500</c> on the first replica.</summary>
    public static async Task<IReadOnlyList<string>> FetchToolNamesAsync(HttpClient http, Uri baseUrl, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, "/api/v1/tools?limit=500"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new LoadSetupException($"GET /api/v1/tools?limit=500 on {baseUrl} answered {(int)response.StatusCode}");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var names = document.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => item.TryGetProperty("name", out var n) ? n.GetString() : item.TryGetProperty("tool_name", out var t) ? t.GetString() : null)
            .OfType<string>().ToList();
        return names.Count > 0 ? names : throw new LoadSetupException($"the catalog on {baseUrl} has no tools: import some first");
    }
}

public sealed class LoadSetupException(string message) : Exception(message);
