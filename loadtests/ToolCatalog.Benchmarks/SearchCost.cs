using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// What a search costs when its query embedding is not cached: one client, sequential, each request a query the replica
/// has never seen (the evaluation requests with a run-unique suffix), then the same queries again, now cached. The
/// difference is the query embedding on the request path.
/// </summary>
public static class SearchCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        using var http = new HttpClient { BaseAddress = new Uri(options.Get("api")) };
        var count = int.Parse(options.Get("queries", "200"), CultureInfo.InvariantCulture);
        var run = Random.Shared.Next(100_000, 999_999);
        var queries = File.ReadLines(options.Get("file", "tests/retrieval/queries.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => $"{l.Split('\t')[0]} (run {run})").Take(count).ToList();

        var uncached = await TimeAsync(http, queries);
        var cached = await TimeAsync(http, queries);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search, one client, sequential, {queries.Count} new queries (ms): uncached (query embedded on the request path) p50 {Ms(uncached, 50)} p99 {Ms(uncached, 99)} max {Ms(uncached, 100)}; "
            + $"the same again, cached p50 {Ms(cached, 50)} p99 {Ms(cached, 99)} max {Ms(cached, 100)}"));
        return 0;
    }

    private static async Task<LongHistogram> TimeAsync(HttpClient http, List<string> queries)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(10), 3);
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"/api/v1/search?limit=10&q={Uri.EscapeDataString(query)}");
            await response.Content.ReadAsByteArrayAsync();
            histogram.RecordValue(Stopwatch.GetTimestamp() - started);
            response.EnsureSuccessStatusCode();
        }
        return histogram;
    }

    private static string Ms(LongHistogram histogram, double percentile) =>
        ((percentile >= 100 ? histogram.GetMaxValue() : histogram.GetValueAtPercentile(percentile)) * 1000.0 / Stopwatch.Frequency)
        .ToString("F1", CultureInfo.InvariantCulture);
}
