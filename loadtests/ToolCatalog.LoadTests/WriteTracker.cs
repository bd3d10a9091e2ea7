using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ToolCatalog.LoadTests;

/// <summary>
/// The write-mix suite's bookkeeping: PUTs new versions of one load-test tool (serialized, so versions commit in
/// order), remembers when each was acknowledged and by which replica, and checks every read of that tool: a read sent
/// on another replica at least <c>lag</c> after an acknowledgement must not return an older version.
/// </summary>
public sealed class WriteTracker(string toolName, string apiKey, TimeSpan lag)
{
    private readonly Lock _gate = new();
    private readonly List<Ack> _acks = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly List<string> _examples = [];
    private int _nextVersion;
    private long _violations;
    private long _checks;

    private readonly record struct Ack(int Version, long AckedAt, int Replica);

    public string ToolName { get; } = toolName;
    public TimeSpan Lag { get; } = lag;
    public long Violations => Interlocked.Read(ref _violations);
    public long Checks => Interlocked.Read(ref _checks);
    public int Writes { get { lock (_gate) { return _acks.Count; } } }
    public IReadOnlyList<string> Examples { get { lock (_gate) { return [.. _examples]; } } }

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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (yaml is not null)
        {
            request.Content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        }
        return request;
    }

    /// <summary>Creates the tool (version 1.0.0) on the first replica; an existing one is overwritten by a new version.</summary>
    public async Task CreateAsync(HttpClient http, Uri replica, CancellationToken cancellationToken)
    {
        using var create = Authorized(HttpMethod.Post, new Uri(replica, "/api/v1/tools"), Document(ToolName, 0));
        using var response = await http.SendAsync(create, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new LoadSetupException($"write-mix: creating {ToolName} answered {(int)response.StatusCode} (a key with the write role is needed): {body}");
        }
        lock (_gate)
        {
            _acks.Add(new Ack(0, Clock.Now, 0));
        }
    }

    public async Task<bool> PutNextVersionAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var version = _nextVersion + 1;
            var replica = context.PickReplica();
            using var put = Authorized(HttpMethod.Put, context.Url(replica, "/api/v1/tools/" + ToolName), Document(ToolName, version));
            using var response = await context.Http.SendAsync(put, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            _nextVersion = version;
            lock (_gate)
            {
                _acks.Add(new Ack(version, Clock.Now, replica));
            }
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> ReadAndCheckAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var replica = context.PickReplica();
        var sentAt = Clock.Now;
        using var response = await context.Http.GetAsync(context.Url(replica, "/api/v1/tools/" + ToolName), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var seen = ParseVersion(document.RootElement);
        Check(replica, sentAt, seen, context.Replicas.Count);
        return true;
    }

    internal void RecordAck(int version, long ackedAt, int replica)
    {
        lock (_gate)
        {
            _acks.Add(new Ack(version, ackedAt, replica));
        }
    }

    /// <summary>Records one observation: <paramref name="seenVersion"/> served by <paramref name="replica"/> for a read sent at <paramref name="sentAt"/>.</summary>
    public void Check(int replica, long sentAt, int seenVersion, int replicaCount)
    {
        Ack? required = null;
        lock (_gate)
        {
            for (var i = _acks.Count - 1; i >= 0; i--)
            {
                var ack = _acks[i];
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
            lock (_gate)
            {
                if (_examples.Count < 20)
                {
                    _examples.Add(string.Create(CultureInfo.InvariantCulture,
                        $"replica {replica} served 1.0.{seenVersion} {Clock.Between(required.Value.AckedAt, sentAt).TotalMilliseconds:0.0} ms after replica {required.Value.Replica} acknowledged 1.0.{required.Value.Version}"));
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

    /// <summary>Removes the tool again (purge needs admin; a soft delete otherwise). Best effort.</summary>
    public async Task CleanUpAsync(HttpClient http, Uri replica, CancellationToken cancellationToken)
    {
        try
        {
            using var purge = Authorized(HttpMethod.Delete, new Uri(replica, $"/api/v1/tools/{ToolName}?purge=true"));
            using var response = await http.SendAsync(purge, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                using var soft = Authorized(HttpMethod.Delete, new Uri(replica, $"/api/v1/tools/{ToolName}"));
                using var _ = await http.SendAsync(soft, cancellationToken);
            }
        }
        catch (HttpRequestException)
        {
        }
    }
}
