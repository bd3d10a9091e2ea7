using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Selection;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// Allocation and CPU time of one selection as the endpoint does it (read the body, check it, decide over the whole
/// catalog folder, write the JSON), measured in-process around many calls on one thread: no HTTP, no server.
/// </summary>
public static class SelectionAllocation
{
    /// <summary>The body of the load suite's select scenario (loadtests/ToolCatalog.LoadTests, Mix.SelectBody).</summary>
    private const string Body =
        """{"capabilities":["backup","log_query","packet_capture"],"query":"find it quickly","variables":{"N":50,"size_mb":200},"top_k":5}""";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var folder = options.Get("catalog", "catalog");
        var calls = int.Parse(options.Get("calls", "20000"), CultureInfo.InvariantCulture);
        var parsed = await CatalogDirectory.LoadAsync(folder, CancellationToken.None);
        var snapshot = new CatalogSnapshot(parsed.Where(p => p.Tool is not null).Select(p => new ServedTool
        {
            Document = p.Tool!, Status = p.Tool!.Status, Enabled = p.Tool.Enabled, UpdatedAt = DateTime.UnixEpoch, ChangeRevision = 1,
        }), 1, SnapshotSource.Files, DateTimeOffset.UnixEpoch);
        var reader = new SelectionRequestReader(Options.Create(new SelectionOptions()));

        var bytes = 0;
        for (var i = 0; i < Math.Min(calls, 2000); i++)
        {
            bytes = SelectOnce(snapshot, reader);
        }
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        // CPU time as well as wall time: on a shared machine the wall clock also counts the time other processes ran.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            SelectOnce(snapshot, reader);
        }
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"select over {snapshot.Count} tools, {calls} calls: {allocated / (double)calls:0} bytes allocated per call, "
            + $"{clock.Elapsed.TotalMicroseconds / calls:0.0} µs wall and {cpu.TotalMicroseconds / calls:0.0} µs CPU (process, GC included) per call, "
            + $"response {bytes} bytes"));
        var stages = Stages(snapshot, reader, Math.Min(calls, 2000));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per stage (bytes, µs wall): read and check the body {stages.Read.Bytes:0}, {stages.Read.Micros:0.0}; "
            + $"decide {stages.Decide.Bytes:0}, {stages.Decide.Micros:0.0}; "
            + $"write the JSON into a reused buffer {stages.Write.Bytes:0}, {stages.Write.Micros:0.0}"));
        return 0;
    }

    /// <summary>
    /// Bytes allocated and wall time per call of each stage, in a separate pass so the timed loop stays as it was. The
    /// JSON is written into a reused buffer, as the endpoint writes into the response's pipe, not into a new array per call.
    /// </summary>
    private static (Stage Read, Stage Decide, Stage Write) Stages(CatalogSnapshot snapshot, SelectionRequestReader reader, int calls)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        using var writer = new Utf8JsonWriter(buffer);
        var (read, decide, write) = (new Stage(), new Stage(), new Stage());
        for (var i = 0; i < calls; i++)
        {
            var query = read.Run(() => reader.Read(JsonSerializer.Deserialize<SelectRequest>(Body, Web)!).Query!);
            var response = decide.Run(() => SelectionEngine.Decide(snapshot, query, CapabilityVocabulary.BuiltIn));
            buffer.ResetWrittenCount();
            writer.Reset();
            write.Run(() =>
            {
                JsonSerializer.Serialize(writer, response, Web);
                return 0;
            });
        }
        return (read.Per(calls), decide.Per(calls), write.Per(calls));
    }

    private sealed class Stage
    {
        public double Bytes { get; private set; }
        public double Micros { get; private set; }

        public T Run<T>(Func<T> stage)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            var result = stage();
            Micros += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            // The closure passed in is allocated by the caller before this count starts.
            Bytes += GC.GetAllocatedBytesForCurrentThread() - bytes;
            return result;
        }

        public Stage Per(int calls) => new() { Bytes = Bytes / calls, Micros = Micros / calls };
    }

    private static int SelectOnce(CatalogSnapshot snapshot, SelectionRequestReader reader)
    {
        var request = JsonSerializer.Deserialize<SelectRequest>(Body, Web)!;
        var (query, errors) = reader.Read(request);
        if (query is null)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }
        return JsonSerializer.SerializeToUtf8Bytes(SelectionEngine.Decide(snapshot, query, CapabilityVocabulary.BuiltIn), Web).Length;
    }
}
