using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Catalog;

/// <summary>
/// How long importing a large folder through <c>POST /tools/import</c> takes, and where the time goes
/// (docs/performance.md, "Import"). Explicit: run it by hand against a folder of generated tools, e.g.
/// <c>ToolCatalog.Api.Tests -method "*ImportBenchmark*" -explicit only</c> with TOOLCATALOG_IMPORT_FOLDER set. It
/// reports the request times and the spans of each request (the import's stages and every SQL statement), and asserts
/// only that everything was imported.
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
        var files = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f))).ToList();
        var zip = ApiTestHost.Zip(files);

        using var spans = new SpanRecorder();
        var (first, firstTime) = await ImportAsync(host, zip, ct);
        var firstSpans = spans.TakeSummary();
        var (again, againTime) = await ImportAsync(host, zip, ct);
        var againSpans = spans.TakeSummary();

        Assert.Equal(files.Count, first["added"]!.GetValue<int>());
        Assert.Equal(files.Count, again["unchanged"]!.GetValue<int>());
        var report = $"IMPORT-BENCH {files.Count} files, zip {zip.Length / 1024} KiB: import {firstTime.TotalSeconds:F2} s, again unchanged {againTime.TotalSeconds:F2} s\n" +
            $"-- spans of the first import --\n{firstSpans}-- spans of the unchanged import --\n{againSpans}";
        TestContext.Current.SendDiagnosticMessage(report);
        Console.WriteLine(report);
    }

    private static async Task<(System.Text.Json.Nodes.JsonNode Report, TimeSpan Elapsed)> ImportAsync(ApiTestHost host, byte[] zip, CancellationToken ct)
    {
        using var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var clock = Stopwatch.StartNew();
        using var response = await host.Writer.PostAsync(ApiTestHost.ToolsPath + "/import", content, ct);
        var elapsed = clock.Elapsed;
        return (await ApiTestHost.ReadJsonAsync(response, HttpStatusCode.OK, ct), elapsed);
    }

    /// <summary>Every span of the import's sources and of Npgsql, summed by name (SQL spans by their statement's start).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<(string Name, TimeSpan Duration)> _spans = new();

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name.StartsWith("ToolCatalog", StringComparison.Ordinal) || s.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => _spans.Enqueue((Name(a), a.Duration)),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        private static string Name(Activity activity)
        {
            if (activity.Source.Name != "Npgsql")
            {
                return $"{activity.Source.Name}/{activity.OperationName}";
            }
            var statement = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
            var text = string.Join(' ', (statement?.ToString() ?? activity.DisplayName).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
            return "sql: " + text[..Math.Min(text.Length, 90)];
        }

        public string TakeSummary()
        {
            var taken = new List<(string Name, TimeSpan Duration)>();
            while (_spans.TryDequeue(out var span))
            {
                taken.Add(span);
            }
            return string.Concat(taken.GroupBy(s => s.Name).OrderByDescending(g => g.Sum(s => s.Duration.TotalMilliseconds))
                .Select(g => $"{g.Sum(s => s.Duration.TotalMilliseconds),10:F1} ms  x{g.Count(),-4} {g.Key}\n"));
        }

        public void Dispose() => _listener.Dispose();
    }
}
