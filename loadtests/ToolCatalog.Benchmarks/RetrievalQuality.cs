using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HdrHistogram;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// Retrieval quality of GET /api/v1/search against tests/retrieval/queries.tsv (the set the method is tuned on) and
/// tests/retrieval/holdout.tsv (written before any tuning, never tuned on), at tool level: a result list of patterns
/// becomes its ordered distinct tools, and a request is answered at rank k when any of its relevant tools is among the
/// first k. Prints Recall@1, Recall@5 and MRR@10 per set and mode, overall and per kind; also the embedding backlog
/// drain rate (when started right after an import) and request latencies with the query embedding uncached and cached.
/// Misses are written for the tuning set only, so nobody tunes on the held-out one.
/// </summary>
public static class RetrievalQuality
{
    private static readonly string[] Modes = ["keyword", "semantic", "hybrid"];

    private sealed record Query(string Text, string[] Relevant, string Platform, string Kind);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var api = options.Get("api");
        var queries = ReadQueries(options.Get("queries", "tests/retrieval/queries.tsv"));
        var holdoutPath = options.Get("holdout", "tests/retrieval/holdout.tsv");
        var holdout = holdoutPath.Length > 0 && File.Exists(holdoutPath) ? ReadQueries(holdoutPath) : [];
        var missesPath = options.Get("misses", "");
        using var http = new HttpClient { BaseAddress = new Uri(api) };

        await WaitForEmbeddingsAsync(http);
        var uncached = new LongHistogram(TimeStamp.Seconds(10), 3);
        var cached = new LongHistogram(TimeStamp.Seconds(10), 3);
        var keywordOnly = new LongHistogram(TimeStamp.Seconds(10), 3);
        var results = new Dictionary<string, List<(Query Query, int Rank)>>();
        var misses = new List<string>();
        foreach (var mode in Modes)
        {
            var ranks = new List<(Query, int)>();
            foreach (var query in queries)
            {
                var (tools, elapsed) = await SearchAsync(http, query.Text, mode);
                if (mode != "hybrid")
                {
                    (mode == "semantic" ? uncached : keywordOnly).RecordValue(elapsed);
                }
                var rank = tools.FindIndex(t => query.Relevant.Contains(t)) + 1;
                ranks.Add((query, rank));
                if (mode == "hybrid" && rank != 1)
                {
                    misses.Add($"{query.Kind}\t{rank}\t{query.Text}\t{string.Join(',', query.Relevant)}\t{string.Join(',', tools.Take(5))}");
                }
            }
            results[mode] = ranks;
        }
        // The same requests again: query embeddings are in the replica's cache now.
        foreach (var query in queries)
        {
            cached.RecordValue((await SearchAsync(http, query.Text, "hybrid")).Elapsed);
        }
        Console.WriteLine($"tuning set ({queries.Count} requests):");
        PrintTable(results, queries.Select(q => q.Kind).Distinct().Order(StringComparer.Ordinal).ToList());
        if (holdout.Count > 0)
        {
            await PrintHoldoutAsync(http, holdout);
        }
        Console.WriteLine();
        Console.WriteLine($"requests (one client, sequential, ms): semantic with the query embedding uncached p50 {Ms(uncached, 50)} p99 {Ms(uncached, 99)}; "
            + $"hybrid with it cached p50 {Ms(cached, 50)} p99 {Ms(cached, 99)}; keyword p50 {Ms(keywordOnly, 50)} p99 {Ms(keywordOnly, 99)}");
        if (missesPath.Length > 0)
        {
            await File.WriteAllLinesAsync(missesPath, misses);
        }
        return 0;
    }

    /// <summary>The held-out set's table: ranks only, no misses and no timings.</summary>
    private static async Task PrintHoldoutAsync(HttpClient http, List<Query> holdout)
    {
        var held = new Dictionary<string, List<(Query Query, int Rank)>>();
        foreach (var mode in Modes)
        {
            var ranks = new List<(Query, int)>();
            foreach (var query in holdout)
            {
                ranks.Add((query, (await SearchAsync(http, query.Text, mode)).Tools.FindIndex(t => query.Relevant.Contains(t)) + 1));
            }
            held[mode] = ranks;
        }
        Console.WriteLine();
        Console.WriteLine($"held-out set ({holdout.Count} requests):");
        PrintTable(held, holdout.Select(q => q.Kind).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    private static List<Query> ReadQueries(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(f => new Query(f[0], f[1].Split(','), f[2], f[3])).ToList();

    private static async Task<(List<string> Tools, long Elapsed)> SearchAsync(HttpClient http, string text, string mode)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync($"/api/v1/search?mode={mode}&limit=50&q={Uri.EscapeDataString(text)}");
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetTimestamp() - started;
        response.EnsureSuccessStatusCode();
        var tools = JsonNode.Parse(body)!.AsArray().Select(h => h!["tool"]!.GetValue<string>()).Distinct().ToList();
        return (tools, elapsed);
    }

    /// <summary>Waits until the API reports no embedding backlog; prints the drain rate it observed on the way.</summary>
    public static async Task WaitForEmbeddingsAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        int? first = null;
        var firstAt = TimeSpan.Zero;
        while (true)
        {
            var search = JsonNode.Parse(await http.GetStringAsync("/health"))!["checks"]!["search"]!;
            var data = search["data"];
            var backlog = data?["backlog"]?.GetValue<int>() ?? -1;
            var ready = data?["model_ready"]?.GetValue<bool>() ?? false;
            if (ready && backlog > 0 && first is null)
            {
                (first, firstAt) = (backlog, clock.Elapsed);
            }
            if (ready && backlog == 0)
            {
                Console.WriteLine(first is { } start
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"embedding backlog drained: {start} texts in {(clock.Elapsed - firstAt).TotalSeconds:F1} s = {start / (clock.Elapsed - firstAt).TotalSeconds:F1} texts/s (seen from /health, 200 ms polls)")
                    : "embedding backlog: already empty when this started, no drain rate observed (run it right after an import)");
                return;
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"embedding backlog still {backlog} after 30 min");
            }
            await Task.Delay(200);
        }
    }

    private static void PrintTable(Dictionary<string, List<(Query Query, int Rank)>> results, List<string> kinds)
    {
        Console.WriteLine("| mode | slice | n | Recall@1 | Recall@5 | MRR@10 |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var mode in Modes)
        {
            foreach (var slice in kinds.Prepend("all"))
            {
                var ranks = results[mode].Where(r => slice == "all" || r.Query.Kind == slice).Select(r => r.Rank).ToList();
                double Recall(int k) => ranks.Count(r => r >= 1 && r <= k) / (double)ranks.Count;
                var mrr = ranks.Sum(r => r >= 1 && r <= 10 ? 1.0 / r : 0) / ranks.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {mode} | {slice} | {ranks.Count} | {Recall(1):F3} | {Recall(5):F3} | {mrr:F3} |"));
            }
        }
    }

    private static string Ms(LongHistogram histogram, double percentile) =>
        (histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture);
}
