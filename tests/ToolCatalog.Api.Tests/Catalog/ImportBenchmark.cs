using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Import;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Catalog;

/// <summary>
/// How long importing a large folder takes (docs/performance.md, "Import"). Explicit: run it by hand against a folder of
/// generated tools, e.g. <c>ToolCatalog.Api.Tests -method "*ImportBenchmark*" -explicit only</c> with
/// TOOLCATALOG_IMPORT_FOLDER set. It reports times and asserts only that everything was imported.
/// </summary>
public sealed class ImportBenchmark(CatalogInfrastructure infra)
{
    [Fact(Explicit = true)]
    public async Task Import_a_generated_folder_then_import_it_again_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Environment.GetEnvironmentVariable("TOOLCATALOG_IMPORT_FOLDER");
        Assert.False(string.IsNullOrEmpty(folder), "set TOOLCATALOG_IMPORT_FOLDER to a catalog folder");
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var clock = Stopwatch.StartNew();
        var files = await CatalogDirectory.LoadAsync(folder, ct);
        var parse = clock.Elapsed;
        var importer = host.Factory.Services.GetRequiredService<CatalogImporter>();

        clock.Restart();
        var first = await importer.ImportAsync(files, "benchmark", dryRun: false, ToolCatalog.Api.Reload.ReloadTriggers.Api, ct);
        var import = clock.Elapsed;
        clock.Restart();
        var again = await importer.ImportAsync(files, "benchmark", dryRun: false, ToolCatalog.Api.Reload.ReloadTriggers.Api, ct);
        var unchanged = clock.Elapsed;

        // The post-commit part (this replica serving the 10,000 tools, the announcement) as the reload history recorded it.
        using var history = await host.Admin.GetAsync(ApiTestHost.Base + "/reload/history?limit=1&trigger=api", ct);
        var notify = (await ApiTestHost.ReadJsonAsync(history, System.Net.HttpStatusCode.OK, ct)).AsArray()
            .Select(r => r!["durationMs"]!.GetValue<double>()).Single();
        Assert.Equal(files.Count, first.Added);
        Assert.Equal(files.Count, again.Unchanged);
        TestContext.Current.SendDiagnosticMessage(
            $"{files.Count} files: parse {parse.TotalSeconds:F2} s, import {import.TotalSeconds:F2} s, again unchanged {unchanged.TotalSeconds:F2} s, of which post-commit reload {notify / 1000:F2} s");
        Console.WriteLine($"IMPORT-BENCH {files.Count} files: parse {parse.TotalSeconds:F2} s, import {import.TotalSeconds:F2} s (post-commit reload {notify / 1000:F2} s), again unchanged {unchanged.TotalSeconds:F2} s");
    }
}
