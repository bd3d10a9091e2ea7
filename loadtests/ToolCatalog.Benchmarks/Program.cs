using ToolCatalog.Benchmarks;

// Benchmarks that need a running catalog (see docs/performance.md for how the numbers were taken).
return args switch
{
    ["invalidation", .. var rest] => await InvalidationLatency.RunAsync(rest),
    ["retrieval", .. var rest] => await RetrievalQuality.RunAsync(rest),
    ["select-alloc", .. var rest] => await SelectionAllocation.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ToolCatalog.Benchmarks invalidation --writer URL --reader URL --key KEY [--writes 1000] [--tool NAME]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks retrieval --api URL [--queries tests/retrieval/queries.tsv] [--misses FILE]");
    Console.Error.WriteLine("       ToolCatalog.Benchmarks select-alloc [--catalog catalog] [--calls 20000]");
    return 2;
}
