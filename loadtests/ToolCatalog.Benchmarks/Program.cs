using ToolCatalog.Benchmarks;

// Benchmarks that need a running catalog (see docs/performance.md for how the numbers were taken).
return args switch
{
    ["invalidation", .. var rest] => await InvalidationLatency.RunAsync(rest),
    ["retrieval", .. var rest] => await RetrievalQuality.RunAsync(rest),
    ["embedding-drain", .. var rest] => await EmbeddingDrainAsync(rest),
    ["search-cost", .. var rest] => await SearchCost.RunAsync(rest),
    ["select-alloc", .. var rest] => await SelectionAllocation.RunAsync(rest),
    ["db-roundtrip", .. var rest] => await DatabaseRoundTrip.RunAsync(rest),
    ["parse", .. var rest] => await ParseThroughput.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ToolCatalog.Benchmarks invalidation --writer URL --reader URL --key KEY [--writes 1000] [--warmup 200] [--tool NAME]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks retrieval --api URL [--queries tests/retrieval/queries.tsv] [--holdout tests/retrieval/holdout.tsv] [--misses FILE]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks embedding-drain --api URL   (right after an import: waits for the backlog, prints texts/s)");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks search-cost --api URL [--queries 200] [--file tests/retrieval/queries.tsv]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks select-alloc [--catalog catalog] [--calls 20000]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks db-roundtrip --db CONNECTION-STRING [--operations 1000]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks parse [--catalog catalog] [--files 10000]");
    return 2;
}

// The embedding backlog drain rate alone, measured right after an import so no other suite shares the CPU with it.
static async Task<int> EmbeddingDrainAsync(string[] args)
{
    using var http = new HttpClient { BaseAddress = new Uri(Args.Parse(args).Get("api")) };
    await RetrievalQuality.WaitForEmbeddingsAsync(http);
    return 0;
}
