using System.Diagnostics;
using System.Globalization;
using ToolCatalog.Catalog;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// What parsing and validating tool files costs, as an import does it (every file independent, on every core): the
/// catalog folder's files read once, then parsed over and over until <c>--files</c> have been, twice. The first pass is
/// what a replica's first import pays (the code still being compiled); the second is steady state. Each reports the
/// process's CPU time, allocations and garbage collections; the project runs with the API's GC and JIT settings. In
/// process, so no HTTP, zip or database time is mixed in.
/// </summary>
public static class ParseThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var folder = options.Get("catalog", "catalog");
        var files = int.Parse(options.Get("files", "10000"), CultureInfo.InvariantCulture);
        var texts = new List<(string Path, string Text)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            texts.Add((Path.GetRelativePath(folder, path), await File.ReadAllTextAsync(path)));
        }
        foreach (var pass in (string[])["first pass", "second pass"])
        {
            Console.WriteLine($"{pass}: {Measure(texts, files)} ({texts.Count} distinct files from {folder}, {Environment.ProcessorCount} cores)");
        }
        return 0;
    }

    private static string Measure(List<(string Path, string Text)> texts, int files)
    {
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var valid = ParseAll(texts, files);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return string.Create(CultureInfo.InvariantCulture,
            $"{files} files ({valid} valid) in {clock.Elapsed.TotalSeconds:0.00} s wall, {cpu.TotalSeconds:0.00} s CPU, "
            + $"{cpu.TotalMicroseconds / files:0} µs CPU and {allocated / (double)files / 1024:0} KiB allocated per file; "
            + $"GCs gen0 {GC.CollectionCount(0) - gcBefore.Item1}, gen1 {GC.CollectionCount(1) - gcBefore.Item2}, gen2 {GC.CollectionCount(2) - gcBefore.Item3}");
    }

    private static int ParseAll(List<(string Path, string Text)> texts, int files)
    {
        var valid = 0;
        Parallel.For(0, files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (path, text) = texts[i % texts.Count];
            if (CatalogDirectory.ParseFile(text, path).Tool is not null)
            {
                Interlocked.Increment(ref valid);
            }
        });
        return valid;
    }
}
