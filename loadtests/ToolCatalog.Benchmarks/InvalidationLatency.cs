using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HdrHistogram;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// Time from a write committing on replica A (its PUT returned) to replica B serving the new version, over many
/// writes. B is polled as fast as one client can; the poll round trip (~0.1–0.3 ms on loopback) is included. The first
/// <c>--warmup</c> writes (default 200) go the same way but are not counted: a fresh process spends them on JIT, tiered
/// compilation and filling connection pools, which made the first of three back-to-back runs look twice as slow.
/// </summary>
public static class InvalidationLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var writer = options.Get("writer");
        var reader = options.Get("reader");
        var key = options.Get("key");
        var writes = int.Parse(options.Get("writes", "1000"), System.Globalization.CultureInfo.InvariantCulture);
        var warmup = int.Parse(options.Get("warmup", "200"), System.Globalization.CultureInfo.InvariantCulture);
        var tool = options.Get("tool", "bench_invalidation_" + Guid.NewGuid().ToString("N")[..6]);

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var template = await File.ReadAllTextAsync(options.Get("template", "catalog/linux/systemctl.yaml"));
        string Document(int i) => template.Replace("tool_name: systemctl", $"tool_name: {tool}", StringComparison.Ordinal)
            .Replace("version: \"1.0.0\"", $"version: \"1.0.{i}\"", StringComparison.Ordinal);

        using (var create = await http.PostAsync($"{writer}/api/v1/tools", new StringContent(Document(0), Encoding.UTF8, "application/yaml")))
        {
            if (create.StatusCode != HttpStatusCode.Created)
            {
                Console.Error.WriteLine($"create failed: {(int)create.StatusCode} {await create.Content.ReadAsStringAsync()}");
                return 1;
            }
        }

        var (histogram, putHistogram, timeouts) = await MeasureAsync(http, writer, reader, tool, Document, warmup, writes);
        double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
        double PutMs(double percentile) => putHistogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"invalidation latency over {writes} writes after {warmup} warm-up writes (commit on writer -> new version served by reader):");
        Console.WriteLine(FormattableString.Invariant($"  p50 {Ms(50):F2} ms  p90 {Ms(90):F2} ms  p99 {Ms(99):F2} ms  max {histogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency:F2} ms  not seen within 5 s: {timeouts}"));
        Console.WriteLine(FormattableString.Invariant($"PUT of a new version (round trip, writes back to back): p50 {PutMs(50):F2} ms  p90 {PutMs(90):F2} ms  p99 {PutMs(99):F2} ms  max {putHistogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency:F2} ms"));
        using var cleanup = await http.DeleteAsync($"{writer}/api/v1/tools/{tool}?purge=true");
        return timeouts == 0 ? 0 : 1;
    }

    /// <summary>
    /// The writes, back to back: each PUT's round trip, then B polled until it serves the new version (or 5 s pass).
    /// Returns both histograms (in Stopwatch ticks) and how many measured writes B never served.
    /// </summary>
    private static async Task<(LongHistogram Visible, LongHistogram Put, int Timeouts)> MeasureAsync(HttpClient http, string writer, string reader,
        string tool, Func<int, string> document, int warmup, int writes)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(10), 3);
        // The PUT round trip on its own: writes are back to back, so the stack is otherwise idle while each runs.
        var putHistogram = new LongHistogram(TimeStamp.Seconds(10), 3);
        var timeouts = 0;
        for (var i = 1; i <= warmup + writes; i++)
        {
            var measured = i > warmup;
            var expected = $"\"version\":\"1.0.{i}\"";
            var sent = Stopwatch.GetTimestamp();
            using (var put = await http.PutAsync($"{writer}/api/v1/tools/{tool}", new StringContent(document(i), Encoding.UTF8, "application/yaml")))
            {
                put.EnsureSuccessStatusCode();
            }
            var committed = Stopwatch.GetTimestamp();
            if (measured)
            {
                putHistogram.RecordValue(committed - sent);
            }
            while (true)
            {
                // Not found yet is "not yet": B may still be applying the create when the first write returns.
                using var read = await http.GetAsync($"{reader}/api/v1/tools/{tool}");
                var body = read.IsSuccessStatusCode ? await read.Content.ReadAsStringAsync() : "";
                if (body.Contains(expected, StringComparison.Ordinal))
                {
                    if (measured)
                    {
                        histogram.RecordValue(Stopwatch.GetTimestamp() - committed);
                    }
                    break;
                }
                if (Stopwatch.GetElapsedTime(committed) > TimeSpan.FromSeconds(5))
                {
                    timeouts += measured ? 1 : 0;
                    break;
                }
            }
        }
        return (histogram, putHistogram, timeouts);
    }
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }
        return new Args(values);
    }

    public string Get(string name, string? fallback = null) =>
        values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
}
