using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ToolCatalog.LoadTests;

/// <summary>
/// The write-mix suite's bookkeeping. It owns a few load-test tools, one per writer loop, so each tool's versions
/// commit in order without writers queueing behind each other (queueing would measure the load generator, not the
/// API). It remembers when each version was acknowledged and by which replica, and checks the reads of those tools: a
/// read sent to another replica at least <c>lag</c> after an acknowledgement must not return an older version.
/// </summary>
public sealed class WriteTracker
{
    private readonly string _apiKey;
    private readonly ToolState[] _tools;
    private readonly ConcurrentQueue<int> _free = new();
    private readonly Lock _examplesGate = new();
    private readonly List<string> _examples = [];
    private long _violations;
    private long _checks;
    private long _writes;

    private readonly record struct Ack(int Version, long AckedAt, int Replica);

    /// <summary>One tool's acknowledged versions. Only the writer holding the tool appends; readers take the lock.</summary>
    private sealed class ToolState(string name)
    {
        public string Name { get; } = name;
        public Lock Gate { get; } = new();
        public List<Ack> Acks { get; } = [];
        public int LastVersion;
    }

    public WriteTracker(string prefix, int tools, string apiKey, TimeSpan lag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tools, 1);
        _apiKey = apiKey;
        Lag = lag;
        _tools = Enumerable.Range(0, tools).Select(i => new ToolState($"{prefix}_{i}")).ToArray();
        for (var i = 0; i < tools; i++)
        {
            _free.Enqueue(i);
        }
    }

    public TimeSpan Lag { get; }

    /// <summary>Reads sent before this <see cref="Clock"/> time (the warm-up) are not judged, like every other warm-up result.</summary>
    public long JudgeFrom { get; set; }
    public IReadOnlyList<string> ToolNames => [.. _tools.Select(t => t.Name)];
    public long Violations => Interlocked.Read(ref _violations);
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>Acknowledged PUTs (the creations before the run are not counted).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public IReadOnlyList<string> Examples { get { lock (_examplesGate) { return [.. _examples]; } } }

    public static string Document(string name, int version) => $$"""
        tool_name: {{name}}
        version: "1.0.{{version}}"
        description: Load-test tool written by the write-mix suite; safe to delete.
        platform: linux
        category: monitoring
        capabilities:
          http_check:
            description: Probe an HTTP endpoint.
            patterns:
              probe_url:
                description: GET one URL with curl and report status and time.
                typical_use_cases: [check a health endpoint after a deploy]
                time_estimate_ms: "100 + 50 * N"
                cost_estimate: "0.001 * N"
                complexity_score: 0.1
                scope: single_item
                completeness: complete
                policy: { requires_approval: false, production_safe: true, max_N_immediate: {{100 + version % 50}} }
                preference_match: { speed: 0.9, accuracy: 0.8, cost: 1.0, complexity: 0.9, completeness: 0.7 }
                required_inputs:
                  - { name: url, type: string, validation: "^https?://" }
        """;

    private HttpRequestMessage Authorized(HttpMethod method, Uri url, string? yaml = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        if (yaml is not null)
        {
            request.Content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        }
        return request;
    }

    /// <summary>Creates the tools (version 1.0.0) on the first replica.</summary>
    public async Task CreateAsync(HttpClient http, Uri replica, CancellationToken cancellationToken)
    {
        foreach (var tool in _tools)
        {
            using var create = Authorized(HttpMethod.Post, new Uri(replica, "/api/v1/tools"), Document(tool.Name, 0));
            using var response = await http.SendAsync(create, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new LoadSetupException($"write-mix: creating {tool.Name} answered {(int)response.StatusCode} (a key with the write role is needed): {body}");
            }
            lock (tool.Gate)
            {
                tool.Acks.Add(new Ack(0, Clock.Now, 0));
            }
        }
    }

    /// <summary>
    /// PUTs the next version of a tool no other writer holds. There are as many tools as writer loops, so one is always
    /// free; a caller beyond that count fails instead of waiting.
    /// </summary>
    public async Task<bool> PutNextVersionAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        if (!_free.TryDequeue(out var index))
        {
            throw new InvalidOperationException("more concurrent writers than write-mix tools");
        }
        try
        {
            var tool = _tools[index];
            var version = tool.LastVersion + 1;
            var replica = context.PickReplica();
            using var put = Authorized(HttpMethod.Put, context.Url(replica, "/api/v1/tools/" + tool.Name), Document(tool.Name, version));
            using var response = await context.Http.SendAsync(put, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            tool.LastVersion = version;
            RecordAck(index, version, Clock.Now, replica);
            Interlocked.Increment(ref _writes);
            return true;
        }
        finally
        {
            _free.Enqueue(index);
        }
    }

    public async Task<bool> ReadAndCheckAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var index = context.Random.Next(_tools.Length);
        var replica = context.PickReplica();
        var sentAt = Clock.Now;
        using var response = await context.Http.GetAsync(context.Url(replica, "/api/v1/tools/" + _tools[index].Name), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        Check(index, replica, sentAt, ParseVersion(document.RootElement), context.Replicas.Count);
        return true;
    }

    internal void RecordAck(int tool, int version, long ackedAt, int replica)
    {
        var state = _tools[tool];
        lock (state.Gate)
        {
            state.Acks.Add(new Ack(version, ackedAt, replica));
        }
    }

    /// <summary>Records one observation: tool <paramref name="tool"/> at <paramref name="seenVersion"/>, served by <paramref name="replica"/> for a read sent at <paramref name="sentAt"/>.</summary>
    public void Check(int tool, int replica, long sentAt, int seenVersion, int replicaCount)
    {
        if (sentAt < JudgeFrom)
        {
            return;
        }
        var state = _tools[tool];
        Ack? required = null;
        lock (state.Gate)
        {
            for (var i = state.Acks.Count - 1; i >= 0; i--)
            {
                var ack = state.Acks[i];
                // Only writes acknowledged by another replica are the subject (with one replica: all of them).
                if ((replicaCount == 1 || ack.Replica != replica) && Clock.Add(ack.AckedAt, Lag) <= sentAt)
                {
                    required = ack;
                    break;
                }
            }
        }
        if (required is null)
        {
            return;
        }
        Interlocked.Increment(ref _checks);
        if (seenVersion < required.Value.Version)
        {
            Interlocked.Increment(ref _violations);
            lock (_examplesGate)
            {
                if (_examples.Count < 20)
                {
                    _examples.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{state.Name}: replica {replica} served 1.0.{seenVersion} {Clock.Between(required.Value.AckedAt, sentAt).TotalMilliseconds:0.0} ms after replica {required.Value.Replica} acknowledged 1.0.{required.Value.Version}"));
                }
            }
        }
    }

    private static int ParseVersion(JsonElement root)
    {
        var text = root.TryGetProperty("version", out var v) ? v.GetString() : null;
        var last = text?.Split('.').LastOrDefault();
        return int.TryParse(last, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    /// <summary>Removes the tools again (purge needs admin; a soft delete otherwise). Best effort.</summary>
    public async Task CleanUpAsync(HttpClient http, Uri replica, CancellationToken cancellationToken)
    {
        foreach (var tool in _tools)
        {
            try
            {
                using var purge = Authorized(HttpMethod.Delete, new Uri(replica, $"/api/v1/tools/{tool.Name}?purge=true"));
                using var response = await http.SendAsync(purge, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    using var soft = Authorized(HttpMethod.Delete, new Uri(replica, $"/api/v1/tools/{tool.Name}"));
                    using var _ = await http.SendAsync(soft, cancellationToken);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Best effort (a timeout is a TaskCanceledException): the tools are marked safe to delete.
            }
        }
    }
}
